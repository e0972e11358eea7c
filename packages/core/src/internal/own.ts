// Safe construction of objects from untrusted keys. JSON.parse keeps `__proto__` as an own
// key; assigning such a key with `obj[key] = v` (or Object.assign) would replace the
// prototype instead, so every map built from flag data goes through `setOwn`.
import type { JsonObject, JsonValue } from '../types.js';

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    target[key] = value;
  }
}

export function hasOwn(target: object, key: string): boolean {
  return Object.hasOwn(target, key);
}

/** Keys that could reach a prototype if some consumer copied them naively. */
export function isPrototypeKey(key: string): boolean {
  return key === '__proto__' || key === 'constructor' || key === 'prototype';
}

/** Freezes a parsed JSON value in place (values are ours: parsed or already copied). */
export function deepFreeze(value: JsonValue, depth = 0): JsonValue {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value) && depth < 1024) {
    if (Array.isArray(value)) {
      for (const item of value) deepFreeze(item, depth + 1);
    } else {
      for (const key of Object.keys(value)) deepFreeze(value[key] as JsonValue, depth + 1);
    }
    Object.freeze(value);
  }
  return value;
}
