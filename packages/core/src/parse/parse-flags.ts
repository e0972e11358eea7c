// parseFlags: text or JSON → validated, `$ref`-resolved, compiled flag configuration, with
// precise diagnostics. Modes and what they reject: docs/architecture.md and docs/adr/0002.
import { contentHashFreezing } from '../internal/hash.js';
import { cloneJson, TooDeep } from '../internal/clone.js';
import { attachRule } from '../internal/compiled.js';
import { hasOwn, isJsonObject, setOwn } from '../internal/own.js';
import { formatPath, type PathSegment } from '../internal/paths.js';
import { DEFAULT_LIMITS, type Limits } from '../targeting/types.js';
import type {
  Diagnostic,
  FlagConfiguration,
  FlagDefinition,
  JsonObject,
  JsonValue,
  ParseOptions,
  ParseResult,
} from '../types.js';
import { type FlagDraft, readFlag, readMetadata, type MetadataValue, type Report } from './flag.js';
import type { Problem } from './problems.js';
import { detectFormat, type DocumentFormat, readDocument } from './read-document.js';
import { RefResolver } from './refs.js';
import { compileFlagTargeting } from './compile-flag.js';
import { toDiagnostics } from './to-diagnostics.js';

const TOP_LEVEL_KEYS = new Set(['$schema', 'flags', '$evaluators', 'metadata']);
const MAX_INPUT_DEPTH = 1000;

export function parseFlags(input: string | JsonValue, options: ParseOptions = {}): ParseResult {
  try {
    return parseUnguarded(input, options);
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

function parseUnguarded(input: string | JsonValue, options: ParseOptions): ParseResult {
  const mode = options.mode ?? 'strict';
  const strictReject = mode === 'strict' && (options.targetingErrors ?? 'reject') === 'reject';
  const limits: Limits = { ...DEFAULT_LIMITS, ...options.limits };
  const file = options.source;
  const problems: Problem[] = [];
  const report: Report = (severity, code, message, scope, segments, flagKey) => {
    const problem: Problem = {
      severity,
      code,
      message,
      scope,
      path: formatPath(segments),
      segments,
      ...(flagKey === undefined ? {} : { flagKey }),
    };
    problems.push(problem);
    return problem;
  };
  const finish = (text?: string, format?: DocumentFormat): ParseResult => ({
    ok: false,
    diagnostics: toDiagnostics(problems, file, text, format).diagnostics,
  });

  let text: string | undefined;
  let format: DocumentFormat | undefined;
  let doc: JsonValue;
  if (typeof input === 'string') {
    if (input.length > limits.maxBytes) {
      report(
        'error',
        'DOCUMENT_TOO_LARGE',
        `the document is larger than the limit of ${limits.maxBytes} bytes`,
        'document',
        [],
      );
      return finish();
    }
    text = input;
    format = detectFormat(input, options.format, file);
    const read = readDocument(input, format);
    if ('problem' in read) {
      const { message, line, column } = read.problem;
      problems.push({
        severity: 'error',
        code: 'SYNTAX',
        message,
        scope: 'document',
        path: '',
        segments: undefined,
        ...(line === undefined ? {} : { line }),
        ...(column === undefined ? {} : { column }),
      });
      return finish();
    }
    doc = read.value;
  } else {
    try {
      doc = cloneJson(input, MAX_INPUT_DEPTH);
    } catch (error) {
      if (!(error instanceof TooDeep)) throw error;
      report(
        'error',
        'DOCUMENT_TOO_DEEP',
        `the document is nested deeper than ${MAX_INPUT_DEPTH} levels (or cyclic)`,
        'document',
        [],
      );
      return finish();
    }
  }

  if (!isJsonObject(doc)) {
    const what = Array.isArray(doc) ? 'an array' : doc === null ? 'null' : typeof doc;
    report(
      'error',
      'DOCUMENT_NOT_OBJECT',
      `a flag configuration must be an object with "flags", not ${what}`,
      'document',
      [],
    );
    return finish(text, format);
  }
  for (const key of Object.keys(doc)) {
    if (!TOP_LEVEL_KEYS.has(key)) {
      report('warning', 'UNKNOWN_KEY', `unknown top-level key "${key}" is ignored`, 'document', [
        key,
      ]);
    }
  }

  // flags: an object keyed by flag key, or (flagd schema only) an array of flags with `key`.
  const entries: { key: string; raw: JsonValue; segments: PathSegment[] }[] = [];
  const flagsRaw = doc.flags;
  if (!hasOwn(doc, 'flags')) {
    report('error', 'FLAGS_MISSING', 'the configuration has no "flags"', 'document', []);
  } else if (flagsRaw === null) {
    report(
      'warning',
      'FLAGS_NULL',
      '"flags" is null; the configuration holds no flags (as in flagd)',
      'document',
      ['flags'],
    );
  } else if (Array.isArray(flagsRaw)) {
    if (options.schema === 'flags') {
      report(
        'error',
        'FLAGS_ARRAY_NOT_ALLOWED',
        '"flags" must be an object in the flags.json schema (the array form is flagd-only)',
        'document',
        ['flags'],
      );
    }
    flagsRaw.forEach((raw, index) => {
      const segments: PathSegment[] = ['flags', index];
      const key = isJsonObject(raw) ? raw.key : undefined;
      if (!isJsonObject(raw)) {
        report('error', 'FLAG_NOT_OBJECT', 'a flag must be an object', 'dropped', segments);
      } else if (typeof key !== 'string' || key === '') {
        report(
          'error',
          'FLAG_KEY_MISSING',
          'a flag in the array form needs a non-empty string "key"',
          'dropped',
          hasOwn(raw, 'key') ? [...segments, 'key'] : segments,
        );
      } else {
        entries.push({ key, raw, segments });
      }
    });
  } else if (isJsonObject(flagsRaw)) {
    for (const key of Object.keys(flagsRaw)) {
      entries.push({ key, raw: flagsRaw[key] as JsonValue, segments: ['flags', key] });
    }
  } else {
    report(
      'error',
      'FLAGS_INVALID',
      `"flags" must be an object or an array, not ${typeof flagsRaw}`,
      'document',
      ['flags'],
    );
  }
  if (entries.length > limits.maxFlags) {
    report(
      'error',
      'TOO_MANY_FLAGS',
      `the configuration has ${entries.length} flags, more than the limit of ${limits.maxFlags}`,
      'document',
      ['flags'],
    );
    return finish(text, format);
  }

  let evaluators: JsonObject | undefined;
  if (hasOwn(doc, '$evaluators') && doc.$evaluators !== undefined) {
    const raw = doc.$evaluators;
    if (!isJsonObject(raw)) {
      report(
        'error',
        'EVALUATORS_INVALID',
        '"$evaluators" must be an object of name to targeting rule',
        'document',
        ['$evaluators'],
      );
    } else {
      evaluators = raw;
      for (const name of Object.keys(raw)) {
        if (!isJsonObject(raw[name])) {
          report(
            'error',
            'EVALUATOR_INVALID',
            `evaluator "${name}" must be an object (a JSONLogic rule)`,
            'document',
            ['$evaluators', name],
          );
        }
      }
    }
  }

  const setMeta = readMetadata(doc.metadata, ['metadata'], 'document', report).metadata;
  for (const key of ['flagSetId', 'version']) {
    if (hasOwn(setMeta, key) && typeof setMeta[key] !== 'string') {
      report(
        'error',
        'METADATA_VALUE_INVALID',
        `flag-set metadata "${key}" must be a string`,
        'document',
        ['metadata', key],
      );
    }
  }
  const setFlagSetId = typeof setMeta.flagSetId === 'string' ? setMeta.flagSetId : undefined;

  const resolver = new RefResolver(evaluators, limits.maxDepth, limits.maxRuleNodes);
  const setMetaKeys = Object.keys(setMeta);
  // Flags are identified by (flagSetId, key): one Set of keys per flag set, so the common case
  // needs no identity string per flag.
  const seen = new Map<string | undefined, Set<string>>();
  const drafts: FlagDraft[] = [];
  for (const { key, raw, segments } of entries) {
    const draft = readFlag(raw, key, segments, report);
    const ownMeta = draft.ownMetadata;
    const ownKeys = Object.keys(ownMeta);
    const metadata: Record<string, MetadataValue> = {};
    for (const k of setMetaKeys) setOwn(metadata, k, setMeta[k] as MetadataValue);
    for (const k of ownKeys) setOwn(metadata, k, ownMeta[k] as MetadataValue);
    draft.metadata = metadata;
    const own = ownKeys.length === 0 ? undefined : ownMeta.flagSetId;
    draft.flagSetId = own === undefined ? setFlagSetId : String(own);
    let keysOfSet = seen.get(draft.flagSetId);
    if (keysOfSet === undefined) {
      keysOfSet = new Set();
      seen.set(draft.flagSetId, keysOfSet);
    }
    if (keysOfSet.has(key)) {
      const p = report(
        'error',
        'DUPLICATE_FLAG',
        `flag "${key}" is defined more than once in flag set ${draft.flagSetId === undefined ? '(none)' : `"${draft.flagSetId}"`}`,
        'flag',
        segments,
        key,
      );
      draft.error ??= p;
    }
    keysOfSet.add(key);
    if (draft.rawTargeting !== undefined) {
      const compiled = compileFlagTargeting(
        draft.rawTargeting,
        key,
        segments,
        resolver,
        limits,
        file,
        report,
        problems,
      );
      draft.targeting = compiled.targeting;
      draft.targetingError = compiled.error;
      draft.rule = compiled.rule;
    }
    drafts.push(draft);
  }

  // Operator-argument problems are warnings from the compiler; strict 'reject' makes them
  // errors (the schema's targeting negatives), 'isolate' keeps them warnings as flagd serves
  // such flags (docs/adr/0002).
  if (strictReject) {
    for (const p of problems) if (p.scope === 'targeting') p.severity = 'error';
  }
  const reject = problems.some(
    (p) =>
      p.severity === 'error' &&
      (p.scope === 'document' || (mode === 'strict' && (p.scope !== 'targeting' || strictReject))),
  );
  const { diagnostics, byProblem } = toDiagnostics(problems, file, text, format);
  if (reject) return { ok: false, diagnostics };

  const flags: FlagDefinition[] = new Array(drafts.length);
  const hashed: (JsonValue | undefined)[] = new Array(8);
  for (let i = 0; i < drafts.length; i++) {
    const d = drafts[i] as FlagDraft;
    const problem = d.error ?? d.targetingError;
    const error = problem === undefined ? undefined : byProblem.get(problem);
    const variants = d.variants as Readonly<Record<string, JsonValue>>;
    const targeting = d.targeting;
    const metadata = d.metadata;
    // One walk hashes the flag's content and deep-freezes variants, targeting and metadata.
    hashed[0] = d.key;
    hashed[1] = d.state;
    hashed[2] = variants;
    hashed[3] = d.defaultVariant ?? null;
    hashed[4] = targeting ?? null;
    hashed[5] = metadata;
    hashed[6] = d.flagSetId ?? null;
    hashed[7] = error?.code ?? null;
    const contentHash = contentHashFreezing(hashed);
    const def: { -readonly [K in keyof FlagDefinition]: FlagDefinition[K] } = {
      key: d.key,
      state: d.state,
      variants,
      defaultVariant: d.defaultVariant,
      targeting,
      metadata,
      flagSetId: d.flagSetId,
      contentHash,
    };
    // Only an unusable flag has `error` (absent, not undefined: definitions compare as data).
    if (error !== undefined) def.error = error;
    else if (d.rule !== undefined) attachRule(def, d.rule);
    Object.freeze(def);
    flags[i] = def;
  }
  const configuration: FlagConfiguration = Object.freeze({
    flags: Object.freeze(flags),
    metadata: Object.freeze(setMeta),
    ...(file === undefined ? {} : { source: file }),
  });
  return { ok: true, configuration, diagnostics };
}
