import type { JsonValue } from '../types.js';
import { setOwn } from './own.js';

/** Why a caller's value cannot be copied: a cycle, or more nodes than the limit. */
export type CloneProblem = 'cyclic' | 'too-large';

interface Frame {
  readonly source: readonly JsonValue[] | Readonly<Record<string, JsonValue>>;
  readonly copy: JsonValue[] | Record<string, JsonValue>;
  readonly keys: readonly string[] | undefined;
  next: number;
}

/**
 * Copies a caller's JSON value (so parsing can freeze what it keeps without touching the
 * caller's objects). Iterative, so any depth is copied without recursion (depth is judged per
 * flag later, where a too-deep rule costs its flag only); own keys are copied with `setOwn`, so
 * `__proto__` stays a plain key; a cycle, or more than `maxNodes` nodes (shared sub-objects
 * count each time they are reached), is a problem instead of an endless copy.
 */
export function cloneJson(value: JsonValue, maxNodes: number): JsonValue | CloneProblem {
  if (value === null || typeof value !== 'object') return value;
  const onPath = new Set<object>();
  let nodes = 1;
  const open = (source: JsonValue & object): Frame => {
    onPath.add(source);
    return Array.isArray(source)
      ? { source, copy: new Array(source.length), keys: undefined, next: 0 }
      : { source, copy: {}, keys: Object.keys(source), next: 0 };
  };
  const root = open(value);
  const stack: Frame[] = [root];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1] as Frame;
    const { source, copy, keys } = frame;
    const length = keys === undefined ? (source as JsonValue[]).length : keys.length;
    if (frame.next >= length) {
      onPath.delete(source);
      stack.pop();
      continue;
    }
    const i = frame.next++;
    const key = keys === undefined ? i : (keys[i] as string);
    const item = (source as Record<string | number, JsonValue>)[key] as JsonValue;
    if (++nodes > maxNodes) return 'too-large';
    let child: JsonValue = item;
    if (item !== null && typeof item === 'object') {
      if (onPath.has(item)) return 'cyclic';
      const frameOfChild = open(item);
      stack.push(frameOfChild);
      child = frameOfChild.copy;
    }
    if (keys === undefined) (copy as JsonValue[])[i] = child;
    else setOwn(copy as Record<string, JsonValue>, key as string, child);
  }
  return root.copy;
}
