// Structural validation of one flag: the checks flagd and the flagd schema make, each problem
// with the flag's key and the JSON path of the offending value.
import { hasOwn, isJsonObject, setOwn } from '../internal/own.js';
import type { PathSegment } from '../internal/paths.js';
import type { CompiledTargeting } from '../targeting/types.js';
import type { FlagState, JsonValue } from '../types.js';
import type { Problem, ProblemScope, Report } from './problems.js';

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

/** Where metadata sits (flag or set) and who hears about its problems. */
export interface MetadataSite {
  readonly at: readonly PathSegment[];
  readonly scope: ProblemScope;
  readonly report: Report;
  readonly flagKey?: string;
}

/** Validates metadata (flag or set): an object of string, number or boolean values. */
export function readMetadata(
  raw: JsonValue | undefined,
  site: MetadataSite,
): { metadata: Record<string, MetadataValue>; problem?: Problem } {
  if (raw === undefined || raw === null) return { metadata: {} };
  const { at, scope, report, flagKey } = site;
  const metadata: Record<string, MetadataValue> = {};
  if (!isJsonObject(raw)) {
    const problem = report({
      code: 'METADATA_INVALID',
      message: 'metadata must be an object',
      scope,
      at,
      flagKey,
    });
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
        report({
          severity: 'warning',
          code: 'PROTOTYPE_KEY',
          message: 'a "__proto__" metadata key is kept as a plain key',
          scope: scope === 'document' ? 'document' : 'flag',
          at: [...at, key],
          flagKey,
        });
      }
      setOwn(metadata, key, value);
    } else {
      problem ??= report({
        code: 'METADATA_VALUE_INVALID',
        message: `metadata value "${key}" must be a string, number or boolean, not ${Array.isArray(value) ? 'an array' : kindOf(value)}`,
        scope,
        at: [...at, key],
        flagKey,
      });
    }
  }
  return problem === undefined ? { metadata } : { metadata, problem };
}

/** One flag as it appears in the document: its key, raw value and JSON path. */
export interface FlagSite {
  readonly key: string;
  readonly raw: JsonValue | undefined;
  readonly segments: readonly PathSegment[];
}

/** Reads one flag's structure into a draft; each field is one step over the same draft. */
export function readFlag(site: FlagSite, report: Report): FlagDraft {
  const reader = new FlagReader(site, report);
  const raw = site.raw;
  reader.checkKey();
  if (!isJsonObject(raw)) {
    reader.fail(
      'FLAG_NOT_OBJECT',
      `a flag must be an object, not ${Array.isArray(raw) ? 'an array' : raw === undefined ? 'undefined' : kindOf(raw)}`,
      site.segments,
    );
    return reader.draft;
  }
  reader.readState(raw.state);
  reader.readVariants(raw);
  reader.readDefaultVariant(raw.defaultVariant);
  reader.readTargeting(raw.targeting);
  reader.readOwnMetadata(raw.metadata);
  return reader.draft;
}

class FlagReader {
  readonly draft: FlagDraft;
  private readonly key: string;
  private readonly segments: readonly PathSegment[];

  constructor(
    site: FlagSite,
    private readonly report: Report,
  ) {
    this.key = site.key;
    this.segments = site.segments;
    this.draft = {
      key: site.key,
      segments: site.segments,
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
  }

  /** Reports an error that makes the flag unusable (the first one becomes `draft.error`). */
  fail(code: string, message: string, at: readonly PathSegment[]): void {
    const problem = this.report({ code, message, scope: 'flag', at, flagKey: this.key });
    this.draft.error ??= problem;
  }

  private warn(code: string, message: string, at: readonly PathSegment[]): void {
    this.report({ severity: 'warning', code, message, scope: 'flag', at, flagKey: this.key });
  }

  checkKey(): void {
    if (this.key === '') this.fail('FLAG_KEY_EMPTY', 'a flag key must not be empty', this.segments);
    if (this.key === '__proto__')
      this.warn('PROTOTYPE_KEY', 'a flag named "__proto__" is kept as a plain key', this.segments);
  }

  /** flagd treats anything but DISABLED as enabled; the schema requires one of the two. */
  readState(state: JsonValue | undefined): void {
    if (state === 'ENABLED' || state === 'DISABLED') this.draft.state = state;
    else if (state === undefined) {
      this.warn(
        'STATE_MISSING',
        'state is missing; the flag is treated as ENABLED (flagd does the same)',
        this.segments,
      );
    } else {
      this.fail(
        'STATE_INVALID',
        `state must be "ENABLED" or "DISABLED", not ${JSON.stringify(state)}`,
        [...this.segments, 'state'],
      );
    }
  }

  readDefaultVariant(dv: JsonValue | undefined): void {
    const variants = this.draft.variants;
    if (typeof dv === 'string' && dv !== '') {
      if (hasOwn(variants, dv)) this.draft.defaultVariant = dv;
      else if (Object.keys(variants).length > 0) {
        this.fail(
          'DEFAULT_VARIANT_UNKNOWN',
          `defaultVariant "${dv}" is not one of the variants (${Object.keys(variants)
            .map((v) => JSON.stringify(v))
            .join(', ')})`,
          [...this.segments, 'defaultVariant'],
        );
      }
    } else if (dv !== undefined && dv !== null && dv !== '') {
      this.fail(
        'DEFAULT_VARIANT_INVALID',
        `defaultVariant must be a string or null, not ${kindOf(dv)}`,
        [...this.segments, 'defaultVariant'],
      );
    }
  }

  readTargeting(targeting: JsonValue | undefined): void {
    if (targeting === undefined || targeting === null) return;
    if (!isJsonObject(targeting)) {
      this.fail(
        'TARGETING_INVALID',
        `targeting must be an object (a JSONLogic rule), not ${Array.isArray(targeting) ? 'an array' : kindOf(targeting)}`,
        [...this.segments, 'targeting'],
      );
    } else if (Object.keys(targeting).length > 0) {
      this.draft.rawTargeting = targeting;
    }
  }

  readOwnMetadata(raw: JsonValue | undefined): void {
    if (raw === undefined || raw === null) return;
    const meta = readMetadata(raw, {
      at: [...this.segments, 'metadata'],
      scope: 'flag',
      report: this.report,
      flagKey: this.key,
    });
    this.draft.ownMetadata = meta.metadata;
    if (meta.problem) this.draft.error ??= meta.problem;
  }

  readVariants(raw: Record<string, JsonValue>): void {
    const variants = raw.variants;
    if (!hasOwn(raw, 'variants') || variants === undefined) {
      this.fail('VARIANTS_MISSING', 'variants are missing', this.segments);
      return;
    }
    // Paths are built only when something is reported.
    const at = (): PathSegment[] => [...this.segments, 'variants'];
    if (!isJsonObject(variants)) {
      this.fail('VARIANTS_INVALID', 'variants must be an object of variant name to value', at());
      return;
    }
    const names = Object.keys(variants);
    if (names.length === 0) {
      this.fail('VARIANTS_EMPTY', 'variants must define at least one variant', at());
      return;
    }
    const first = { kind: undefined as Kind | undefined, name: '' };
    for (const name of names) {
      if (this.readVariant(name, variants[name] as JsonValue, first))
        setOwn(this.draft.variants, name, variants[name] as JsonValue);
    }
  }

  /** Checks one variant against the first; false when it must be left out. */
  private readVariant(
    name: string,
    value: JsonValue,
    first: { kind: Kind | undefined; name: string },
  ): boolean {
    const at = (): PathSegment[] => [...this.segments, 'variants', name];
    if (name === '') this.fail('VARIANT_NAME_EMPTY', 'a variant name must not be empty', at());
    if (name === '__proto__')
      this.warn('PROTOTYPE_KEY', 'a variant named "__proto__" is kept as a plain key', at());
    const kind = kindOf(value);
    const shown = JSON.stringify(name);
    if (kind === 'null') {
      this.warn(
        'VARIANT_NULL',
        `variant ${shown} is null, which the flagd schema does not allow`,
        at(),
      );
    } else if (kind === 'number' && !Number.isFinite(value as number)) {
      this.fail('VARIANT_INVALID', `variant ${shown} is not a finite number`, at());
    } else if (kind === 'object' && valueDepth(value, MAX_VALUE_DEPTH) > MAX_VALUE_DEPTH) {
      this.fail(
        'VALUE_TOO_DEEP',
        `variant ${shown} is nested deeper than ${MAX_VALUE_DEPTH} levels`,
        at(),
      );
      return false;
    } else if (first.kind === undefined) {
      first.kind = kind;
      first.name = name;
    } else if (kind !== first.kind) {
      this.fail(
        'VARIANT_TYPES_MIXED',
        `variant ${shown} is a ${kind} but variant ${JSON.stringify(first.name)} is a ${first.kind}; all variants of a flag must have one type`,
        at(),
      );
    }
    return true;
  }
}
