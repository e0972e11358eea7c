// parseFlags: text or JSON → validated, `$ref`-resolved, compiled flag configuration, with
// precise diagnostics. Modes and what they reject: docs/architecture.md and docs/adr/0002.
// The parse runs in stages over one ParseRun: read the input, check the top level, list the
// flags, read `$evaluators` and the set metadata, read and compile each flag, decide, build.
import { cloneJson } from '../internal/clone.js';
import { hasOwn, isJsonObject, setOwn } from '../internal/own.js';
import type { PathSegment } from '../internal/paths.js';
import type { Diagnostic, JsonObject, JsonValue, ParseOptions, ParseResult } from '../types.js';
import { buildConfiguration } from './build-configuration.js';
import { compileFlagTargeting } from './compile-flag.js';
import { type FlagDraft, type MetadataValue, readFlag, readMetadata } from './flag.js';
import { ParseRun } from './parse-run.js';
import { detectFormat, readDocument } from './read-document.js';
import { RefResolver } from './refs.js';
import { toDiagnostics } from './to-diagnostics.js';

const TOP_LEVEL_KEYS = new Set(['$schema', 'flags', '$evaluators', 'metadata']);

export function parseFlags(input: string | JsonValue, options: ParseOptions = {}): ParseResult {
  try {
    return parseUnguarded(input, new ParseRun(options));
  } catch (error) {
    // Nothing escapes: a failure here is a bug, reported as a diagnostic, never a throw.
    const diagnostic: Diagnostic = {
      severity: 'error',
      code: 'INTERNAL',
      message: `unexpected failure while reading the configuration: ${(error as Error)?.message ?? String(error)}`,
      path: '',
      ...(options.source === undefined ? {} : { file: options.source }),
    };
    return { ok: false, diagnostics: [diagnostic] };
  }
}

function parseUnguarded(input: string | JsonValue, run: ParseRun): ParseResult {
  const value = readInput(run, input);
  if (value === undefined) return run.rejected();
  const doc = checkTopLevel(run, value);
  if (doc === undefined || !listFlags(run, doc)) return run.rejected();
  readEvaluators(run, doc);
  readSetMetadata(run, doc);
  run.resolver = new RefResolver(run.evaluators, run.limits);
  readFlags(run);
  if (settleSeverities(run)) return run.rejected();
  const { diagnostics, byProblem } = toDiagnostics(run.problems, run);
  return { ok: true, configuration: buildConfiguration(run, byProblem), diagnostics };
}

/**
 * Text (bounded by `maxBytes`, JSON or YAML) or a caller's value (copied without recursion,
 * at most one node per 8 bytes of `maxBytes`, no cycles).
 */
function readInput(run: ParseRun, input: string | JsonValue): JsonValue | undefined {
  if (typeof input !== 'string') {
    const maxNodes = Math.floor(run.limits.maxBytes / 8);
    const copy = cloneJson(input, maxNodes);
    if (copy === 'cyclic') {
      run.documentError('DOCUMENT_CYCLIC', 'the document contains itself (a cycle)');
      return undefined;
    }
    if (copy === 'too-large') {
      run.documentError(
        'DOCUMENT_TOO_LARGE',
        `the document has more than the limit of ${maxNodes} values (maxBytes / 8)`,
      );
      return undefined;
    }
    return copy;
  }
  const { maxBytes } = run.limits;
  if (input.length > maxBytes) {
    run.documentError(
      'DOCUMENT_TOO_LARGE',
      `the document is larger than the limit of ${maxBytes} bytes`,
    );
    return undefined;
  }
  run.text = input;
  run.format = detectFormat(input, run.options.format, run.file);
  const read = readDocument(input, run.format);
  if ('value' in read) return read.value;
  const { message, line, column } = read.problem;
  run.problems.push({
    severity: 'error',
    code: 'SYNTAX',
    message,
    scope: 'document',
    path: '',
    segments: undefined,
    ...(line === undefined ? {} : { line }),
    ...(column === undefined ? {} : { column }),
  });
  return undefined;
}

function checkTopLevel(run: ParseRun, doc: JsonValue): JsonObject | undefined {
  if (!isJsonObject(doc)) {
    const what = Array.isArray(doc) ? 'an array' : doc === null ? 'null' : typeof doc;
    run.documentError(
      'DOCUMENT_NOT_OBJECT',
      `a flag configuration must be an object with "flags", not ${what}`,
    );
    return undefined;
  }
  for (const key of Object.keys(doc)) {
    if (!TOP_LEVEL_KEYS.has(key)) {
      run.report({
        severity: 'warning',
        code: 'UNKNOWN_KEY',
        message: `unknown top-level key "${key}" is ignored`,
        scope: 'document',
        at: [key],
      });
    }
  }
  return doc;
}

/** `flags`: an object keyed by flag key, or (flagd schema only) an array of flags with `key`. */
function listFlags(run: ParseRun, doc: JsonObject): boolean {
  const flags = doc.flags;
  if (!hasOwn(doc, 'flags')) {
    run.documentError('FLAGS_MISSING', 'the configuration has no "flags"');
  } else if (flags === null) {
    run.report({
      severity: 'warning',
      code: 'FLAGS_NULL',
      message: '"flags" is null; the configuration holds no flags (as in flagd)',
      scope: 'document',
      at: ['flags'],
    });
  } else if (Array.isArray(flags)) {
    listArrayFlags(run, flags);
  } else if (isJsonObject(flags)) {
    for (const key of Object.keys(flags)) {
      run.entries.push({ key, raw: flags[key] as JsonValue, segments: ['flags', key] });
    }
  } else {
    run.documentError(
      'FLAGS_INVALID',
      `"flags" must be an object or an array, not ${typeof flags}`,
      ['flags'],
    );
  }
  const { maxFlags } = run.limits;
  if (run.entries.length <= maxFlags) return true;
  run.documentError(
    'TOO_MANY_FLAGS',
    `the configuration has ${run.entries.length} flags, more than the limit of ${maxFlags}`,
    ['flags'],
  );
  return false;
}

function listArrayFlags(run: ParseRun, flags: readonly JsonValue[]): void {
  if (run.schema === 'flags') {
    run.documentError(
      'FLAGS_ARRAY_NOT_ALLOWED',
      '"flags" must be an object in the flags.json schema (the array form is flagd-only)',
      ['flags'],
    );
  }
  flags.forEach((raw, index) => {
    const segments: PathSegment[] = ['flags', index];
    if (!isJsonObject(raw)) {
      run.report({
        code: 'FLAG_NOT_OBJECT',
        message: 'a flag must be an object',
        scope: 'dropped',
        at: segments,
      });
      return;
    }
    const key = raw.key;
    if (typeof key === 'string' && key !== '') {
      run.entries.push({ key, raw, segments });
      return;
    }
    run.report({
      code: 'FLAG_KEY_MISSING',
      message: 'a flag in the array form needs a non-empty string "key"',
      scope: 'dropped',
      at: hasOwn(raw, 'key') ? [...segments, 'key'] : segments,
    });
  });
}

function readEvaluators(run: ParseRun, doc: JsonObject): void {
  if (!hasOwn(doc, '$evaluators') || doc.$evaluators === undefined) return;
  const raw = doc.$evaluators;
  if (!isJsonObject(raw)) {
    run.documentError(
      'EVALUATORS_INVALID',
      '"$evaluators" must be an object of name to targeting rule',
      ['$evaluators'],
    );
    return;
  }
  run.evaluators = raw;
  for (const name of Object.keys(raw)) {
    if (!isJsonObject(raw[name])) {
      run.documentError(
        'EVALUATOR_INVALID',
        `evaluator "${name}" must be an object (a JSONLogic rule)`,
        ['$evaluators', name],
      );
    }
  }
}

function readSetMetadata(run: ParseRun, doc: JsonObject): void {
  const { metadata } = readMetadata(doc.metadata, {
    at: ['metadata'],
    scope: 'document',
    report: run.report,
  });
  for (const key of ['flagSetId', 'version']) {
    if (hasOwn(metadata, key) && typeof metadata[key] !== 'string') {
      run.documentError('METADATA_VALUE_INVALID', `flag-set metadata "${key}" must be a string`, [
        'metadata',
        key,
      ]);
    }
  }
  run.setMetadata = metadata;
  run.setFlagSetId = typeof metadata.flagSetId === 'string' ? metadata.flagSetId : undefined;
}

/** Reads, places and compiles every flag. */
function readFlags(run: ParseRun): void {
  const setKeys = Object.keys(run.setMetadata);
  // Flags are identified by (flagSetId, key): one Set of keys per flag set, so the common case
  // needs no identity string per flag.
  const seen = new Map<string | undefined, Set<string>>();
  for (const entry of run.entries) {
    const draft = readFlag(entry, run.report);
    mergeMetadata(run, draft, setKeys);
    checkDuplicate(run, draft, seen);
    if (draft.rawTargeting !== undefined) compileFlagTargeting(run, draft);
    run.drafts.push(draft);
  }
}

/** Set metadata under the flag's own (the flag wins); the flag's set follows from both. */
function mergeMetadata(run: ParseRun, draft: FlagDraft, setKeys: readonly string[]): void {
  const own = draft.ownMetadata;
  const ownKeys = Object.keys(own);
  const metadata: Record<string, MetadataValue> = {};
  for (const k of setKeys) setOwn(metadata, k, run.setMetadata[k] as MetadataValue);
  for (const k of ownKeys) setOwn(metadata, k, own[k] as MetadataValue);
  draft.metadata = metadata;
  const ownSet = ownKeys.length === 0 ? undefined : own.flagSetId;
  draft.flagSetId = ownSet === undefined ? run.setFlagSetId : String(ownSet);
}

function checkDuplicate(
  run: ParseRun,
  draft: FlagDraft,
  seen: Map<string | undefined, Set<string>>,
): void {
  const { key, flagSetId } = draft;
  let keysOfSet = seen.get(flagSetId);
  if (keysOfSet === undefined) {
    keysOfSet = new Set();
    seen.set(flagSetId, keysOfSet);
  }
  if (keysOfSet.has(key)) {
    const problem = run.report({
      code: 'DUPLICATE_FLAG',
      message: `flag "${key}" is defined more than once in flag set ${flagSetId === undefined ? '(none)' : `"${flagSetId}"`}`,
      scope: 'flag',
      at: draft.segments,
      flagKey: key,
    });
    draft.error ??= problem;
  }
  keysOfSet.add(key);
}

/**
 * Operator-argument problems are warnings from the compiler; strict 'reject' makes them errors
 * (the schema's targeting negatives), 'isolate' keeps them warnings as flagd serves such flags
 * (docs/adr/0002). Returns true when the configuration is rejected.
 */
function settleSeverities(run: ParseRun): boolean {
  if (run.strictReject) {
    for (const p of run.problems) if (p.scope === 'targeting') p.severity = 'error';
  }
  const strict = run.mode === 'strict';
  return run.problems.some(
    (p) =>
      p.severity === 'error' &&
      (p.scope === 'document' || (strict && (p.scope !== 'targeting' || run.strictReject))),
  );
}
