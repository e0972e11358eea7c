// Reading one key of the caller's context: the one thing every targeting rule does, and most of
// what a small rule costs.
//
// V8 keeps one inline cache per property access in the source, shared by every closure made
// from it. A single `context[key]` read for every key of every rule therefore sees many keys and
// goes megamorphic: a lookup in a global cache per read, plus a `hasOwnProperty` call to refuse
// inherited values (about 28 ns together). An access that only ever sees one key stays
// monomorphic: a map check and a load, and the own-property proof becomes nearly free (below),
// about 9 ns. Code generation is not allowed (no eval / new Function: the engine runs where it
// is disabled), so the engine carries a fixed pool of textually identical readers, and each of
// the first keys compiled in the process gets one for itself. Later keys share the generic
// reader, which is exactly the read this replaced.
import type { EvaluationContext } from '../types.js';

/** The caller's own value of `key`, or undefined (absent, undefined, or inherited). */
export type KeyReader = (context: EvaluationContext, key: string) => unknown;

// Captured at load, so that replacing them later changes nothing here.
const ownProperty = Object.prototype.hasOwnProperty;
const OBJECT_PROTOTYPE = Object.prototype as unknown as Record<string, unknown>;

/** The generic reader: found and own (one shared inline cache for every key it reads). */
export const genericReader: KeyReader = (c, k) => {
  const v = c[k];
  return v !== undefined && ownProperty.call(c, k) ? v : undefined;
};

// A pooled reader proves the value is own without a call when it can: for a plain object
// (prototype Object.prototype) a value is inherited only if Object.prototype holds the key, and
// with one key per reader V8 answers both questions from the maps it has already checked, and
// keeps watching Object.prototype (code that relied on it is thrown away when it changes). Any
// other object, or a key Object.prototype does hold (`toString`, or a polluted one), takes the
// hasOwnProperty call. The readers are identical on purpose: each literal is its own cache.
// biome-ignore format: one reader per line, so the pool reads as what it is
const POOL: readonly KeyReader[] = [
  (c, k) => { const v = c[k]; return v !== undefined && ((Object.getPrototypeOf(c) === OBJECT_PROTOTYPE && OBJECT_PROTOTYPE[k] === undefined) || ownProperty.call(c, k)) ? v : undefined; },
  (c, k) => { const v = c[k]; return v !== undefined && ((Object.getPrototypeOf(c) === OBJECT_PROTOTYPE && OBJECT_PROTOTYPE[k] === undefined) || ownProperty.call(c, k)) ? v : undefined; },
  (c, k) => { const v = c[k]; return v !== undefined && ((Object.getPrototypeOf(c) === OBJECT_PROTOTYPE && OBJECT_PROTOTYPE[k] === undefined) || ownProperty.call(c, k)) ? v : undefined; },
  (c, k) => { const v = c[k]; return v !== undefined && ((Object.getPrototypeOf(c) === OBJECT_PROTOTYPE && OBJECT_PROTOTYPE[k] === undefined) || ownProperty.call(c, k)) ? v : undefined; },
  (c, k) => { const v = c[k]; return v !== undefined && ((Object.getPrototypeOf(c) === OBJECT_PROTOTYPE && OBJECT_PROTOTYPE[k] === undefined) || ownProperty.call(c, k)) ? v : undefined; },
  (c, k) => { const v = c[k]; return v !== undefined && ((Object.getPrototypeOf(c) === OBJECT_PROTOTYPE && OBJECT_PROTOTYPE[k] === undefined) || ownProperty.call(c, k)) ? v : undefined; },
  (c, k) => { const v = c[k]; return v !== undefined && ((Object.getPrototypeOf(c) === OBJECT_PROTOTYPE && OBJECT_PROTOTYPE[k] === undefined) || ownProperty.call(c, k)) ? v : undefined; },
  (c, k) => { const v = c[k]; return v !== undefined && ((Object.getPrototypeOf(c) === OBJECT_PROTOTYPE && OBJECT_PROTOTYPE[k] === undefined) || ownProperty.call(c, k)) ? v : undefined; },
  (c, k) => { const v = c[k]; return v !== undefined && ((Object.getPrototypeOf(c) === OBJECT_PROTOTYPE && OBJECT_PROTOTYPE[k] === undefined) || ownProperty.call(c, k)) ? v : undefined; },
  (c, k) => { const v = c[k]; return v !== undefined && ((Object.getPrototypeOf(c) === OBJECT_PROTOTYPE && OBJECT_PROTOTYPE[k] === undefined) || ownProperty.call(c, k)) ? v : undefined; },
  (c, k) => { const v = c[k]; return v !== undefined && ((Object.getPrototypeOf(c) === OBJECT_PROTOTYPE && OBJECT_PROTOTYPE[k] === undefined) || ownProperty.call(c, k)) ? v : undefined; },
  (c, k) => { const v = c[k]; return v !== undefined && ((Object.getPrototypeOf(c) === OBJECT_PROTOTYPE && OBJECT_PROTOTYPE[k] === undefined) || ownProperty.call(c, k)) ? v : undefined; },
  (c, k) => { const v = c[k]; return v !== undefined && ((Object.getPrototypeOf(c) === OBJECT_PROTOTYPE && OBJECT_PROTOTYPE[k] === undefined) || ownProperty.call(c, k)) ? v : undefined; },
  (c, k) => { const v = c[k]; return v !== undefined && ((Object.getPrototypeOf(c) === OBJECT_PROTOTYPE && OBJECT_PROTOTYPE[k] === undefined) || ownProperty.call(c, k)) ? v : undefined; },
  (c, k) => { const v = c[k]; return v !== undefined && ((Object.getPrototypeOf(c) === OBJECT_PROTOTYPE && OBJECT_PROTOTYPE[k] === undefined) || ownProperty.call(c, k)) ? v : undefined; },
  (c, k) => { const v = c[k]; return v !== undefined && ((Object.getPrototypeOf(c) === OBJECT_PROTOTYPE && OBJECT_PROTOTYPE[k] === undefined) || ownProperty.call(c, k)) ? v : undefined; },
];

/** Keys given a pooled reader so far (at most POOL.length, for the life of the process). */
const assigned = new Map<string, KeyReader>();

/**
 * The reader for `key`, an ordinary key (not `$flagd`, not a forbidden key): its own pooled
 * reader while the pool lasts, else the generic one.
 */
export function readerFor(key: string): KeyReader {
  const known = assigned.get(key);
  if (known !== undefined) return known;
  const next = POOL[assigned.size];
  if (next === undefined) return genericReader;
  assigned.set(key, next);
  return next;
}
