// The one context object a parse goes through: options resolved once, every problem reported so
// far, and what each stage leaves for the next (the document, its flag entries, evaluators,
// set metadata, the flags read so far).
import { formatPath, type PathSegment } from '../internal/paths.js';
import { DEFAULT_LIMITS, type Limits } from '../targeting/types.js';
import type { JsonObject, ParseOptions, ParseResult } from '../types.js';
import type { FlagDraft, FlagSite, MetadataValue } from './flag.js';
import type { Problem, ProblemSpec } from './problems.js';
import type { DocumentFormat } from './read-document.js';
import type { RefResolver } from './refs.js';
import { toDiagnostics } from './to-diagnostics.js';

export class ParseRun {
  readonly mode: 'strict' | 'isolating';
  /** Strict with `targetingErrors: 'reject'`: operator-argument warnings become errors. */
  readonly strictReject: boolean;
  readonly limits: Limits;
  readonly file: string | undefined;
  readonly schema: 'flagd' | 'flags';
  readonly problems: Problem[] = [];

  /** The source text and its format, when the input was text. */
  text: string | undefined;
  format: DocumentFormat | undefined;
  /** Filled by the stages, in order. */
  entries: FlagSite[] = [];
  evaluators: JsonObject | undefined;
  setMetadata: Record<string, MetadataValue> = {};
  setFlagSetId: string | undefined;
  resolver: RefResolver | undefined;
  readonly drafts: FlagDraft[] = [];

  constructor(readonly options: ParseOptions) {
    this.mode = options.mode ?? 'strict';
    this.strictReject =
      this.mode === 'strict' && (options.targetingErrors ?? 'reject') === 'reject';
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.file = options.source;
    this.schema = options.schema ?? 'flagd';
  }

  /** Records a problem; bound, so stages can pass it around as a `Report`. */
  readonly report = (spec: ProblemSpec): Problem => {
    const problem: Problem = {
      severity: spec.severity ?? 'error',
      code: spec.code,
      message: spec.message,
      scope: spec.scope,
      path: formatPath(spec.at),
      segments: spec.at,
      ...(spec.flagKey === undefined ? {} : { flagKey: spec.flagKey }),
    };
    this.problems.push(problem);
    return problem;
  };

  /** A document-level error (the whole configuration is rejected). */
  documentError(code: string, message: string, at: readonly PathSegment[] = []): void {
    this.report({ code, message, scope: 'document', at });
  }

  /** The rejection result with every problem so far. */
  rejected(): ParseResult {
    return {
      ok: false,
      diagnostics: toDiagnostics(this.problems, {
        file: this.file,
        text: this.text,
        format: this.format,
      }).diagnostics,
    };
  }
}
