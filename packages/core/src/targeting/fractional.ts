// `fractional` v2 bucketing, bit-exact with flagd (core/pkg/evaluator/fractional.go):
// MurmurHash3 x86_32 (seed 0) over the UTF-8 bytes of the bucketing value, read unsigned;
// bucket = (hash × totalWeight) >> 32; the first variant whose cumulative weight exceeds the
// bucket wins. Every invalid input yields null (flagd logs and returns nil → DEFAULT).
import { murmur3Utf8, scaleToBucket } from './murmur3.js';

/** flagd caps the sum of weights at MaxInt32. */
export const MAX_TOTAL_WEIGHT = 2147483647;

export interface BucketTable {
  readonly variants: readonly unknown[];
  readonly weights: readonly number[];
  /** Cumulative weights: `ends[i]` is the sum of `weights[0..i]`, so range i is [ends[i-1], ends[i]). */
  readonly ends: readonly number[];
  readonly total: number;
}

export type SeedSource = 'explicit' | 'flagKey+targetingKey';

/** Why a distribution list is unusable, or the parsed table. */
export type TableResult =
  | { readonly ok: true; readonly table: BucketTable }
  | { readonly ok: false; readonly reason: string };

/**
 * Parses evaluated distributions `[variant, weight?]` starting at `from`.
 * - variant: string, number, boolean or null (a nested rule has already been evaluated);
 * - weight: integer, default 1 (also when null, as Go's parser leaves the default in place);
 *   negatives clamp to 0 (testbed `fractional-negative-weight-flag`); non-integers, non-numbers
 *   and weights above MaxInt32 are invalid; extra elements are ignored, as in Go.
 */
export function parseDistributions(values: readonly unknown[], from: number): TableResult {
  const variants: unknown[] = [];
  const weights: number[] = [];
  let total = 0;
  for (let i = from; i < values.length; i++) {
    const entry = values[i];
    if (!Array.isArray(entry)) return { ok: false, reason: `distribution ${i} is not an array` };
    if (entry.length === 0) return { ok: false, reason: `distribution ${i} is empty` };
    const variant: unknown = entry[0];
    if (
      variant !== null &&
      typeof variant !== 'string' &&
      typeof variant !== 'number' &&
      typeof variant !== 'boolean'
    ) {
      return {
        ok: false,
        reason: `variant of distribution ${i} is not a string, number, boolean or null`,
      };
    }
    let weight = 1;
    if (entry.length >= 2 && entry[1] !== null && entry[1] !== undefined) {
      const raw: unknown = entry[1];
      if (typeof raw !== 'number' || !Number.isInteger(raw)) {
        return { ok: false, reason: `weight of distribution ${i} is not an integer` };
      }
      if (raw > MAX_TOTAL_WEIGHT)
        return { ok: false, reason: `weight of distribution ${i} exceeds ${MAX_TOTAL_WEIGHT}` };
      weight = raw < 0 ? 0 : raw;
    }
    variants.push(variant);
    weights.push(weight);
    total += weight;
  }
  if (total > MAX_TOTAL_WEIGHT)
    return { ok: false, reason: `sum of weights ${total} exceeds ${MAX_TOTAL_WEIGHT}` };
  if (total === 0) return { ok: false, reason: 'sum of weights is 0' };
  const ends: number[] = [];
  let end = 0;
  for (const weight of weights) {
    end += weight;
    ends.push(end);
  }
  return { ok: true, table: { variants, weights, ends, total } };
}

/** Index of the chosen distribution for a hash. */
export function pickIndex(table: BucketTable, hash: number): number {
  const bucket = scaleToBucket(hash, table.total);
  const ends = table.ends;
  const last = ends.length - 1;
  for (let i = 0; i < last; i++) if (bucket < (ends[i] as number)) return i;
  return last; // bucket < total = ends[last]
}

/** Bucketing value resolution; `targetingKey` is read lazily since explicit seeds do not need it. */
export interface SeedChoice {
  readonly seed: string;
  readonly source: SeedSource;
  /** Index in the evaluated arguments where distributions start. */
  readonly from: number;
}

/**
 * The bucketing value, as flagd chooses it: a string first argument is used as-is; a null first
 * argument (a literal null, or a `var` that found nothing — Go's jsonlogic evaluates arguments
 * first, so the two are indistinguishable) or an array (a distribution) means
 * `$flagd.flagKey + targetingKey` with no separator, and needs a non-empty string targetingKey.
 * Any other first argument (number, boolean, object) is invalid: Go then parses it as a
 * distribution and fails.
 */
export function chooseSeed(
  first: unknown,
  flagKey: string,
  targetingKey: () => unknown,
): SeedChoice | string {
  if (typeof first === 'string') return { seed: first, source: 'explicit', from: 1 };
  if (first === null || first === undefined || Array.isArray(first)) {
    const tk = targetingKey();
    if (typeof tk !== 'string' || tk.length === 0) {
      return 'no bucketing value and no non-empty string targetingKey in the context';
    }
    return {
      seed: flagKey + tk,
      source: 'flagKey+targetingKey',
      from: Array.isArray(first) ? 0 : 1,
    };
  }
  return `bucketing value must be a string, got ${typeof first}`;
}

/** Everything explain reports about one `fractional` evaluation. */
export function describeBucketing(seed: SeedChoice, table: BucketTable): Record<string, unknown> {
  const hash = murmur3Utf8(seed.seed);
  const bucket = scaleToBucket(hash, table.total);
  const ranges: { variant: unknown; weight: number; from: number; to: number }[] = [];
  let from = 0;
  for (let i = 0; i < table.weights.length; i++) {
    const weight = table.weights[i] as number;
    ranges.push({ variant: table.variants[i], weight, from, to: from + weight });
    from += weight;
  }
  const chosen = table.variants[pickIndex(table, hash)];
  return {
    bucketingValue: seed.seed,
    seedSource: seed.source,
    hash,
    totalWeight: table.total,
    bucket,
    ranges,
    chosen,
  };
}
