// Structural validation of one flag: the checks flagd and the flagd schema make, each problem
// with the flag's key and the JSON path of the offending value.
import { hasOwn, isJsonObject, setOwn } from '../internal/own.js';
import type { PathSegment } from '../internal/paths.js';
import type { CompiledTargeting } from '../targeting/types.js';
import type { FlagState, JsonValue } from '../types.js';
import type { Problem, ProblemScope } from './problems.js';

export type MetadataValue = string | number | boolean;

/**
 * One flag as read so far. readFlag fills the structural fields; parseFlags fills the rest
 * (merged metadata, flag set, compiled targeting). One object of one shape per flag: on a
 * 10,000-flag load every intermediate copy is garbage the collector has to walk.
 */
export interface FlagDraft {
  readonly key: string;
  readonly segments: readonly PathSegment[];
  state: FlagState;
  variants: Record<string, JsonValue>;
  defaultVariant: string | undefined;
  /** The raw targeting object (before `$ref` resolution); undefined when none or `{}`. */
  rawTargeting: JsonValue | undefined;
  ownMetadata: Record<string, MetadataValue>;
  /** The first error that makes this flag unusable, if any. */
  error: Problem | undefined;
  /** Flag-set metadata merged under the flag's own (filled by parseFlags). */
  metadata: Record<string, MetadataValue>;
  flagSetId: string | undefined;
  /** The `$ref`-resolved targeting, its compile error and the compiled rule (parseFlags). */
  targeting: JsonValue | undefined;
  targetingError: Problem | undefined;
  rule: CompiledTargeting | undefined;
}

const NO_METADATA: Record<string, MetadataValue> = Object.freeze({}) as Record<
  string,
  MetadataValue
>;

export type Report = (
  severity: 'error' | 'warning',
  code: string,
  message: string,
  scope: ProblemScope,
  segments: readonly PathSegment[],
  flagKey?: string,
) => Problem;

const MAX_VALUE_DEPTH = 512;

type Kind = 'boolean' | 'string' | 'number' | 'object' | 'null';

function kindOf(value: JsonValue): Kind {
  if (value === null) return 'null';
  const t = typeof value;
  return t === 'boolean' || t === 'string' || t === 'number' ? t : 'object';
}

/** Depth of nested containers, stopping at `limit + 1` (so it is safe on hostile input). */
export function valueDepth(value: JsonValue, limit: number, depth = 0): number {
  if (value === null || typeof value !== 'object' || depth > limit) return depth;
  let max = depth + 1;
  const items = Array.isArray(value) ? value : Object.values(value);
  for (const item of items) {
    const d = valueDepth(item as JsonValue, limit, depth + 1);
    if (d > max) max = d;
    if (max > limit) break;
  }
  return max;
}

/** Validates metadata (flag or set): an object of string, number or boolean values. */
export function readMetadata(
  raw: JsonValue | undefined,
  segments: readonly PathSegment[],
  scope: ProblemScope,
  report: Report,
  flagKey?: string,
): { metadata: Record<string, MetadataValue>; problem?: Problem } {
  if (raw === undefined || raw === null) return { metadata: {} };
  const metadata: Record<string, MetadataValue> = {};
  if (!isJsonObject(raw)) {
    const problem = report(
      'error',
      'METADATA_INVALID',
      'metadata must be an object',
      scope,
      segments,
      flagKey,
    );
    return { metadata, problem };
  }
  let problem: Problem | undefined;
  for (const key of Object.keys(raw)) {
    const value = raw[key] as JsonValue;
    if (
      typeof value === 'string' ||
      typeof value === 'boolean' ||
      (typeof value === 'number' && Number.isFinite(value))
    ) {
      if (key === '__proto__') {
        report(
          'warning',
          'PROTOTYPE_KEY',
          'a "__proto__" metadata key is kept as a plain key',
          scope === 'document' ? 'document' : 'flag',
          [...segments, key],
          flagKey,
        );
      }
      setOwn(metadata, key, value);
    } else {
      problem ??= report(
        'error',
        'METADATA_VALUE_INVALID',
        `metadata value "${key}" must be a string, number or boolean, not ${Array.isArray(value) ? 'an array' : kindOf(value)}`,
        scope,
        [...segments, key],
        flagKey,
      );
    }
  }
  return problem === undefined ? { metadata } : { metadata, problem };
}

export function readFlag(
  raw: JsonValue | undefined,
  key: string,
  segments: readonly PathSegment[],
  report: Report,
): FlagDraft {
  const draft: FlagDraft = {
    key,
    segments,
    state: 'ENABLED',
    variants: {},
    defaultVariant: undefined,
    rawTargeting: undefined,
    ownMetadata: NO_METADATA,
    error: undefined,
    metadata: NO_METADATA,
    flagSetId: undefined,
    targeting: undefined,
    targetingError: undefined,
    rule: undefined,
  };
  const fail = (code: string, message: string, at: readonly PathSegment[]) => {
    const problem = report('error', code, message, 'flag', at, key);
    draft.error ??= problem;
  };
  if (key === '') fail('FLAG_KEY_EMPTY', 'a flag key must not be empty', segments);
  if (key === '__proto__') {
    report(
      'warning',
      'PROTOTYPE_KEY',
      'a flag named "__proto__" is kept as a plain key',
      'flag',
      segments,
      key,
    );
  }
  if (!isJsonObject(raw)) {
    fail(
      'FLAG_NOT_OBJECT',
      `a flag must be an object, not ${Array.isArray(raw) ? 'an array' : raw === undefined ? 'undefined' : kindOf(raw)}`,
      segments,
    );
    return draft;
  }

  // state: flagd treats anything but DISABLED as enabled; the schema requires one of the two.
  const state = raw.state;
  if (state === 'ENABLED' || state === 'DISABLED') draft.state = state;
  else if (state === undefined) {
    report(
      'warning',
      'STATE_MISSING',
      'state is missing; the flag is treated as ENABLED (flagd does the same)',
      'flag',
      segments,
      key,
    );
  } else {
    fail('STATE_INVALID', `state must be "ENABLED" or "DISABLED", not ${JSON.stringify(state)}`, [
      ...segments,
      'state',
    ]);
  }

  readVariants(raw, draft, segments, report, fail);

  const dv = raw.defaultVariant;
  if (typeof dv === 'string' && dv !== '') {
    if (hasOwn(draft.variants, dv)) draft.defaultVariant = dv;
    else if (Object.keys(draft.variants).length > 0) {
      fail(
        'DEFAULT_VARIANT_UNKNOWN',
        `defaultVariant "${dv}" is not one of the variants (${Object.keys(draft.variants)
          .map((v) => JSON.stringify(v))
          .join(', ')})`,
        [...segments, 'defaultVariant'],
      );
    }
  } else if (dv !== undefined && dv !== null && dv !== '') {
    fail('DEFAULT_VARIANT_INVALID', `defaultVariant must be a string or null, not ${kindOf(dv)}`, [
      ...segments,
      'defaultVariant',
    ]);
  }

  const targeting = raw.targeting;
  if (targeting !== undefined && targeting !== null) {
    if (!isJsonObject(targeting)) {
      fail(
        'TARGETING_INVALID',
        `targeting must be an object (a JSONLogic rule), not ${Array.isArray(targeting) ? 'an array' : kindOf(targeting)}`,
        [...segments, 'targeting'],
      );
    } else if (Object.keys(targeting).length > 0) {
      draft.rawTargeting = targeting;
    }
  }

  const rawMeta = raw.metadata;
  if (rawMeta !== undefined && rawMeta !== null) {
    const meta = readMetadata(rawMeta, [...segments, 'metadata'], 'flag', report, key);
    draft.ownMetadata = meta.metadata;
    if (meta.problem) draft.error ??= meta.problem;
  }
  return draft;
}

function readVariants(
  raw: Record<string, JsonValue>,
  draft: FlagDraft,
  segments: readonly PathSegment[],
  report: Report,
  fail: (code: string, message: string, at: readonly PathSegment[]) => void,
): void {
  const variants = raw.variants;
  if (!hasOwn(raw, 'variants') || variants === undefined) {
    fail('VARIANTS_MISSING', 'variants are missing', segments);
    return;
  }
  // Paths and quoted names are built only when something is reported.
  const at = (): PathSegment[] => [...segments, 'variants'];
  if (!isJsonObject(variants)) {
    fail('VARIANTS_INVALID', 'variants must be an object of variant name to value', at());
    return;
  }
  const names = Object.keys(variants);
  if (names.length === 0) {
    fail('VARIANTS_EMPTY', 'variants must define at least one variant', at());
    return;
  }
  let firstKind: Kind | undefined;
  let firstName = '';
  for (const name of names) {
    const value = variants[name] as JsonValue;
    if (name === '')
      fail('VARIANT_NAME_EMPTY', 'a variant name must not be empty', [...at(), name]);
    if (name === '__proto__') {
      report(
        'warning',
        'PROTOTYPE_KEY',
        'a variant named "__proto__" is kept as a plain key',
        'flag',
        [...at(), name],
        draft.key,
      );
    }
    const kind = kindOf(value);
    if (kind === 'null') {
      report(
        'warning',
        'VARIANT_NULL',
        `variant ${JSON.stringify(name)} is null, which the flagd schema does not allow`,
        'flag',
        [...at(), name],
        draft.key,
      );
    } else if (kind === 'number' && !Number.isFinite(value as number)) {
      fail('VARIANT_INVALID', `variant ${JSON.stringify(name)} is not a finite number`, [
        ...at(),
        name,
      ]);
    } else if (kind === 'object' && valueDepth(value, MAX_VALUE_DEPTH) > MAX_VALUE_DEPTH) {
      fail(
        'VALUE_TOO_DEEP',
        `variant ${JSON.stringify(name)} is nested deeper than ${MAX_VALUE_DEPTH} levels`,
        [...at(), name],
      );
      continue;
    } else if (firstKind === undefined) {
      firstKind = kind;
      firstName = name;
    } else if (kind !== firstKind) {
      fail(
        'VARIANT_TYPES_MIXED',
        `variant ${JSON.stringify(name)} is a ${kind} but variant ${JSON.stringify(firstName)} is a ${firstKind}; all variants of a flag must have one type`,
        [...at(), name],
      );
    }
    setOwn(draft.variants, name, value);
  }
}
