import type { JsonValue } from '../types.js';
import { setOwn } from './own.js';

export class TooDeep extends Error {}

/**
 * Copies a caller's JSON value (so parsing can freeze what it keeps without touching the
 * caller's objects). Own keys are copied with `setOwn`, so `__proto__` stays a plain key;
 * depth is bounded, which also stops cycles.
 */
export function cloneJson(value: JsonValue, maxDepth: number, depth = 0): JsonValue {
  if (value === null || typeof value !== 'object') return value;
  if (depth >= maxDepth) throw new TooDeep();
  if (Array.isArray(value)) return value.map((item) => cloneJson(item, maxDepth, depth + 1));
  const copy: Record<string, JsonValue> = {};
  for (const key of Object.keys(value)) {
    setOwn(copy, key, cloneJson(value[key] as JsonValue, maxDepth, depth + 1));
  }
  return copy;
}
