// Value helpers shared by the compiled operators: JSONLogic truthiness, numeric coercion and
// prototype-safe data access. Everything here is total: no helper throws on odd input.
import { genericReader, type KeyReader, readerFor } from './key-readers.js';
import type { TargetingScope } from './types.js';

/**
 * A compiled node. `local` is the data `var` resolves against: the current element inside
 * `map`/`filter`/`reduce`/`all`/`some`/`none`, or, at the rule's top level, the scope itself,
 * which means "the merged evaluation context plus `$flagd`". The scope is internal (no context
 * value can be it), and `local === scope` compares two values the closure already holds: a
 * module-level marker is reached from a compiled closure through its whole context chain and,
 * when imported, the module's import cell, on every read (V8 does not fold module bindings).
 */
export type Fn = (scope: TargetingScope, local: unknown) => unknown;

/**
 * JSONLogic truthiness (json-logic-js `truthy`): an empty array is falsy, otherwise JavaScript
 * truthiness. Go's jsonlogic also treats `{}` as falsy, but flag data never reaches a truthiness
 * test as an empty object in the testbed; we follow json-logic-js and json-logic-engine.
 */
export function truthy(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.length !== 0;
  return !!v;
}

/**
 * Numeric coercion for arithmetic. json-logic-js uses `parseFloat` ("3px" → 3), json-logic-engine
 * uses `Number` ("3px" → NaN, then throws). They differ, so we follow Go's jsonlogic, which parses
 * strings strictly like `Number` does. Objects and arrays give NaN instead of running
 * `ToPrimitive`, which could throw on null-prototype objects.
 */
export function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' || typeof v === 'boolean') return Number(v);
  if (v === null || v === undefined) return v === null ? 0 : Number.NaN;
  return Number.NaN;
}

/** String conversion for `cat`/`substr`: null and undefined become "" (Array#join semantics). */
export function toText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '';
  if (typeof v === 'object' && Object.getPrototypeOf(v) === null) return '[object Object]';
  return String(v);
}

/**
 * Own-property test for context reads. `hasOwnProperty.call` is optimised by V8 where
 * `Object.hasOwn` is a plain builtin call (about 1.5× slower on the hot path); it is captured
 * at load so a later change to Object.prototype cannot affect it.
 */
const ownProperty = Object.prototype.hasOwnProperty;
function isOwn(o: object, key: string): boolean {
  return ownProperty.call(o, key);
}

/** Property names never read through `var` paths, even when present as own properties. */
export function isForbiddenKey(key: string): boolean {
  return key === '__proto__' || key === 'constructor' || key === 'prototype';
}

/** Canonical non-negative array index ("0", "12"; not "01", "-1", "1e2"), else -1. */
function arrayIndex(key: string): number {
  const n = key.length;
  if (n === 0 || n > 15) return -1;
  if (n > 1 && key.charCodeAt(0) === 48) return -1;
  let value = 0;
  for (let i = 0; i < n; i++) {
    const c = key.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    value = value * 10 + c;
  }
  return value;
}

/**
 * One step of a `var` path: own properties of plain data objects, arrays by index. Strings are
 * not traversable (json-logic-js would index characters; Go's jsonlogic does not). Returns
 * `undefined` when there is nothing there.
 */
export function child(v: unknown, key: string): unknown {
  if (typeof v !== 'object' || v === null) return undefined;
  if (Array.isArray(v)) {
    const i = arrayIndex(key);
    return i >= 0 && i < v.length ? v[i] : undefined;
  }
  if (v instanceof Date || isForbiddenKey(key) || !isOwn(v, key)) return undefined;
  return (v as Record<string, unknown>)[key];
}

/** Dates in the context are seen as their ISO string, as flagd sees them after JSON transport. */
export function normalizeLeaf(v: unknown): unknown {
  // Small enough for V8 to inline on every read; the Date case is out of line.
  return typeof v === 'object' && v !== null && v instanceof Date ? dateText(v) : v;
}

function dateText(d: Date): string | null {
  const t = d.getTime();
  return Number.isNaN(t) ? null : d.toISOString();
}

/** First path segment at the top level: caller context, then base context (shallow merge). */
export function topGet(scope: TargetingScope, key: string): unknown {
  if (key === '$flagd') return { flagKey: scope.flagKey, timestamp: scope.timestamp() };
  if (isForbiddenKey(key)) return undefined;
  return topGetOrdinary(scope, key);
}

/**
 * topGet for a key known to be neither `$flagd` nor a forbidden key (a literal `var` path checked
 * once at compile time), so the evaluation skips those checks.
 */
export function topGetOrdinary(scope: TargetingScope, key: string): unknown {
  const c = scope.context;
  if (c !== undefined) {
    // Read first: an absent key (undefined) needs no ownership check, and the hit is usually an
    // own property, so hasOwn only confirms it.
    const v = c[key];
    if (v !== undefined && isOwn(c, key)) return v;
  }
  const b = scope.baseContext;
  if (b !== undefined && isOwn(b, key)) return b[key];
  return undefined;
}

/**
 * A `var` whose path and default are literals, described so that the operator using it as an
 * operand reads the data itself (`operand`, `readKey`, both inlined) instead of calling the
 * var's closure `fn`: a call through a closure shared by every compiled rule is an indirect
 * call V8 cannot inline, and a comparison was often mostly that call.
 */
export class VarRead {
  /** The reader of `key` (see key-readers.ts); the generic one for the other kinds. */
  readonly own: KeyReader;

  constructor(
    /**
     * `key`: a one-segment path naming an ordinary key (not `$flagd`, not a forbidden key);
     * `flagKey`: `$flagd.flagKey`; `whole`: `""` or `[]`, the element inside an iteration.
     */
    readonly kind: 'key' | 'flagKey' | 'whole',
    /** The key when `kind` is `key`, else "". */
    readonly key: string,
    readonly dflt: unknown,
    readonly fn: Fn,
  ) {
    this.own = kind === 'key' ? readerFor(key) : genericReader;
  }
}

/** What a `var` of one ordinary key (`read.kind` is `key`) evaluates to. */
export function readKey(scope: TargetingScope, local: unknown, read: VarRead): unknown {
  const v = local === scope ? topOwn(scope, read) : child(local, read.key);
  return v === undefined ? read.dflt : normalizeLeaf(v);
}

/** topGetOrdinary through the key's own reader. */
function topOwn(scope: TargetingScope, read: VarRead): unknown {
  const c = scope.context;
  if (c !== undefined) {
    const v = read.own(c, read.key);
    if (v !== undefined) return v;
  }
  const b = scope.baseContext;
  return b !== undefined && isOwn(b, read.key) ? b[read.key] : undefined;
}

/**
 * An operand's value: a `var` described by `read` is read inline where it is cheap (one key,
 * the flag key, the element of an iteration); anything else calls its closure `fn`.
 */
export function operand(
  scope: TargetingScope,
  local: unknown,
  read: VarRead | undefined,
  fn: Fn,
): unknown {
  if (read !== undefined) {
    const kind = read.kind;
    if (kind === 'key') return readKey(scope, local, read);
    if (local !== scope) {
      if (kind === 'whole') return local === undefined ? read.dflt : normalizeLeaf(local);
    } else if (kind === 'flagKey') return scope.flagKey;
  }
  return fn(scope, local);
}

/** The whole data object (`{"var": ""}` at the top level): merged contexts plus `$flagd`. */
export function topData(scope: TargetingScope): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const source of [scope.baseContext, scope.context]) {
    if (source === undefined) continue;
    for (const key of Object.keys(source)) {
      const v = source[key];
      if (v === undefined || isForbiddenKey(key)) continue;
      Object.defineProperty(out, key, {
        value: normalizeLeaf(v),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  out.$flagd = { flagKey: scope.flagKey, timestamp: scope.timestamp() };
  return out;
}

/** How many keys topData copies (what reading the whole data costs). */
export function topDataSize(scope: TargetingScope): number {
  let n = 1;
  if (scope.baseContext !== undefined) n += Object.keys(scope.baseContext).length;
  if (scope.context !== undefined) n += Object.keys(scope.context).length;
  return n;
}

/** Resolves a pre-split path; `undefined` = not found. An empty path is the whole data. */
export function resolvePath(
  scope: TargetingScope,
  local: unknown,
  parts: readonly string[],
): unknown {
  const n = parts.length;
  if (n === 0) return local === scope ? topData(scope) : local;
  let v: unknown;
  let i = 1;
  if (local === scope) {
    const first = parts[0] as string;
    if (first === '$flagd' && n === 2) {
      // Served straight from the scope; a user-supplied `$flagd` is shadowed, as flagd overwrites it.
      if (parts[1] === 'flagKey') return scope.flagKey;
      if (parts[1] === 'timestamp') return scope.timestamp();
      return undefined;
    }
    v = topGet(scope, first);
  } else {
    v = child(local, parts[0] as string);
  }
  for (; i < n && v !== undefined; i++) {
    if (v === null) return undefined;
    v = child(v, parts[i] as string);
  }
  return v;
}

/** Splits a `var` key as json-logic-js does: `String(key).split('.')`; "" and null mean "whole data". */
export function splitPath(key: unknown): string[] {
  if (key === undefined || key === null || key === '') return [];
  return toText(key).split('.');
}
