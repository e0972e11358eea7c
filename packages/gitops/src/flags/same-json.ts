import type { JsonValue } from '@switchyard/core';

/**
 * Equal JSON values, whatever the key order of their objects. Walks both values and allocates
 * nothing: the audit compares every changed flag of a generation, and printing both sides
 * (sorted when the plain JSON differs) cost 1.7 ms and 0.6 MB of garbage per generation of 100
 * flags. Depth is bounded by the parser.
 */
export function sameJson(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  let count = 0;
  for (const key in a) {
    if (!Object.hasOwn(a, key)) continue;
    if (!Object.hasOwn(b, key) || !sameJson(a[key], b[key])) return false;
    count++;
  }
  for (const key in b) if (Object.hasOwn(b, key)) count--;
  return count === 0;
}
