// Parsing happens in the source, with the consumer's options: the daemon parses strictly and
// isolates targeting errors, the provider isolates bad flags. Consumers receive parsed,
// validated configurations and never see raw text.
import { createHash } from 'node:crypto';
import { formatDiagnostic, parseFlags } from '@switchyard/core';
import type {
  Diagnostic,
  FlagConfiguration,
  JsonValue,
  Limits,
  ParseOptions,
} from '@switchyard/core';
import type { SourceProblem } from './flag-source.js';

/** How a consumer wants documents parsed (see `ParseOptions` of @switchyard/core). */
export interface SourceParseOptions {
  readonly mode: 'strict' | 'isolating';
  readonly targetingErrors?: 'reject' | 'isolate';
  readonly limits?: Partial<Limits>;
}

/** One parsed document: its configuration when it is usable, and what was found in it. */
export interface ParsedDocument {
  readonly configuration: FlagConfiguration | undefined;
  /** Error diagnostics (why the document was rejected); empty when it was accepted. */
  readonly errors: readonly Diagnostic[];
  /** Warnings, and the errors of flags served with an isolated rule error. */
  readonly warnings: readonly Diagnostic[];
}

export interface DocumentOrigin {
  /** The name diagnostics use (a path, `sync host:port`, `inline`). */
  readonly source: string;
  /** Default 'auto': by the extension of `source`, else by sniffing. */
  readonly format?: 'json' | 'yaml' | 'auto';
}

export function parseDocument(
  input: string | JsonValue,
  origin: DocumentOrigin,
  options: SourceParseOptions,
): ParsedDocument {
  const parse: ParseOptions = {
    source: origin.source,
    format: origin.format ?? 'auto',
    mode: options.mode,
    ...(options.targetingErrors === undefined ? {} : { targetingErrors: options.targetingErrors }),
    ...(options.limits === undefined ? {} : { limits: options.limits }),
  };
  const result = parseFlags(input, parse);
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (!result.ok || result.configuration === undefined) {
    return { configuration: undefined, errors, warnings: [] };
  }
  const warnings = result.diagnostics.filter((d) => d.severity === 'warning');
  for (const flag of result.configuration.flags) if (flag.error) warnings.push(flag.error);
  return { configuration: result.configuration, errors: [], warnings };
}

/** The problem a rejected document is reported as: its first error, and how many follow. */
export function invalidProblem(entry: string, errors: readonly Diagnostic[]): SourceProblem {
  const first = errors[0];
  const message = first ? formatDiagnostic(first) : `${entry}: invalid flag configuration`;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  return {
    code: 'INVALID',
    entry,
    message: `${message}${more}`,
    diagnostics: errors,
    since: Date.now(),
  };
}

/**
 * Parses each distinct text once. A scan keeps only the documents it used, so a burst that
 * rewrites one file of a large directory re-parses only that file, and memory follows the
 * current files.
 */
export class ParseCache {
  private previous = new Map<string, ParsedDocument>();
  private current = new Map<string, ParsedDocument>();

  constructor(private readonly options: SourceParseOptions) {}

  /** `key` identifies the text (see `contentKey`). */
  parse(key: string, text: string, origin: DocumentOrigin): ParsedDocument {
    let parsed = this.current.get(key) ?? this.previous.get(key);
    parsed ??= parseDocument(text, origin, this.options);
    this.current.set(key, parsed);
    return parsed;
  }

  /** Ends a scan: documents not used since the previous call are dropped. */
  endScan(): void {
    this.previous = this.current;
    this.current = new Map();
  }
}

/** A key equal for equal (origin, text) pairs. */
export function contentKey(source: string, text: string): string {
  return `${source}\0${createHash('sha1').update(text).digest('hex')}`;
}
