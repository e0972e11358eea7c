// Arithmetic, string and array operators. Semantics follow json-logic-js where it agrees with
// json-logic-engine; where they differ, flagd's Go library decides (noted inline). Nothing here
// throws: odd operand types give NaN, null or an empty result, as JSONLogic does.
import { type Arg, type OperatorBuilder, evalAll, fnAt } from './build.js';
import { type Fn, toNumber, toText, truthy } from './values.js';

/** `+`: sum; one operand casts to a number ("3.14" → 3.14); none → 0. */
export const addOp: OperatorBuilder = (args) => {
  if (args.length === 0) return () => 0;
  const a = fnAt(args, 0);
  if (args.length === 1) return (s, l) => toNumber(a(s, l));
  const b = fnAt(args, 1);
  if (args.length === 2) return (s, l) => toNumber(a(s, l)) + toNumber(b(s, l));
  return (s, l) => {
    let sum = 0;
    for (const arg of args) sum += toNumber(arg.fn(s, l));
    return sum;
  };
};

/** `*`: product; none → 1 (json-logic-engine and Go; json-logic-js throws). */
export const mulOp: OperatorBuilder = (args) => {
  const a = fnAt(args, 0);
  const b = fnAt(args, 1);
  if (args.length === 2) return (s, l) => toNumber(a(s, l)) * toNumber(b(s, l));
  return (s, l) => {
    let product = 1;
    for (const arg of args) product *= toNumber(arg.fn(s, l));
    return product;
  };
};

/** `-`: one operand negates (json-logic-js and -engine agree); more subtract left to right. */
export const subOp: OperatorBuilder = (args) => {
  const a = fnAt(args, 0);
  const b = fnAt(args, 1);
  if (args.length === 0) return () => null;
  if (args.length === 1) return (s, l) => -toNumber(a(s, l));
  if (args.length === 2) return (s, l) => toNumber(a(s, l)) - toNumber(b(s, l));
  return (s, l) => {
    const vals = evalAll(args, s, l);
    let r = toNumber(vals[0]);
    for (let i = 1; i < vals.length; i++) r -= toNumber(vals[i]);
    return r;
  };
};

/**
 * `/`: divides left to right. Division by zero gives ±Infinity (json-logic-js and Go;
 * json-logic-engine throws), which never names a variant.
 */
export const divOp: OperatorBuilder = (args) => {
  const a = fnAt(args, 0);
  const b = fnAt(args, 1);
  if (args.length === 0) return () => null;
  if (args.length === 2) return (s, l) => toNumber(a(s, l)) / toNumber(b(s, l));
  return (s, l) => {
    const vals = evalAll(args, s, l);
    let r = toNumber(vals[0]);
    for (let i = 1; i < vals.length; i++) r /= toNumber(vals[i]);
    return r;
  };
};

export const modOp: OperatorBuilder = (args) => {
  const a = fnAt(args, 0);
  const b = fnAt(args, 1);
  return (s, l) => toNumber(a(s, l)) % toNumber(b(s, l));
};

/** `max`/`min` over numeric coercions; no operands → null (json-logic-js would give ∓Infinity). */
function extreme(pickMax: boolean): OperatorBuilder {
  return (args) => (s, l) => {
    if (args.length === 0) return null;
    let r = toNumber((args[0] as Arg).fn(s, l));
    for (let i = 1; i < args.length; i++) {
      const v = toNumber((args[i] as Arg).fn(s, l));
      if (Number.isNaN(v)) r = v;
      else if (pickMax ? v > r : v < r) r = v;
    }
    return r;
  };
}
export const maxOp = extreme(true);
export const minOp = extreme(false);

/** Longest literal list `in` scans linearly instead of building a Set. */
const SCAN_MAX = 8;

function isSetLiteral(v: unknown): v is (string | number)[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'number');
}

/**
 * `in`: substring test when the second operand is a string (the needle is stringified, as
 * `String#indexOf` does), strict membership when it is an array, false otherwise. A literal
 * array of strings/numbers becomes a Set.
 */
export const inOp: OperatorBuilder = (args, ctx) => {
  const a = fnAt(args, 0);
  const b = fnAt(args, 1);
  const hay = args[1];
  if (ctx.specialise && hay?.isConst) {
    const h = hay.value;
    if (isSetLiteral(h)) {
      // A short list is scanned with === (what the generic indexOf does): for a handful of
      // entries that beats hashing the needle. Longer lists use a Set (same result, as JSON
      // literals hold no NaN, the one value where Set and === disagree).
      if (h.length <= SCAN_MAX) {
        const list = h.slice();
        const n = list.length;
        return (s, l) => {
          const v = a(s, l);
          for (let i = 0; i < n; i++) if (list[i] === v) return true;
          return false;
        };
      }
      const set = new Set<unknown>(h);
      return (s, l) => set.has(a(s, l));
    }
    if (typeof h === 'string') return (s, l) => h.includes(toText(a(s, l)));
  }
  return (s, l) => {
    const needle = a(s, l);
    const h = b(s, l);
    if (typeof h === 'string') return h.includes(toText(needle));
    if (Array.isArray(h)) return h.indexOf(needle) !== -1;
    return false;
  };
};

const CAT_OPERANDS: unique symbol = Symbol('switchyard.catOperands');

/**
 * The operands of a two-operand `cat` closure of the evaluate build: `fractional` hashes the two
 * texts in sequence instead of concatenating them (same hash, no string to build). Kept on the
 * closure, not in a WeakMap, for the reason in internal/compiled.ts (young WeakMap keys keep
 * their values alive through a scavenge).
 */
export function catOperands(fn: Fn): readonly [Fn, Fn] | undefined {
  return (fn as Fn & { readonly [CAT_OPERANDS]?: readonly [Fn, Fn] })[CAT_OPERANDS];
}

/** `cat`: concatenation; null → "" (Array#join). Go's jsonlogic also trims; the JS libraries do not. */
export const catOp: OperatorBuilder = (args, ctx) => {
  const a = fnAt(args, 0);
  const b = fnAt(args, 1);
  if (args.length === 2) {
    const fn: Fn = (s, l) => toText(a(s, l)) + toText(b(s, l));
    if (ctx.specialise) Object.defineProperty(fn, CAT_OPERANDS, { value: [a, b] });
    return fn;
  }
  return (s, l) => {
    let r = '';
    for (const arg of args) r += toText(arg.fn(s, l));
    return r;
  };
};

/** `substr`: `[string, start, length?]`; negative start counts from the end, negative length drops from the end. */
export const substrOp: OperatorBuilder = (args) => {
  const fs = fnAt(args, 0);
  const fstart = fnAt(args, 1);
  const flen = fnAt(args, 2);
  const hasLen = args.length >= 3;
  return (s, l) => {
    const str = toText(fs(s, l));
    const start = toNumber(fstart(s, l));
    const len = hasLen ? toNumber(flen(s, l)) : undefined;
    const from = start < 0 ? Math.max(str.length + Math.trunc(start), 0) : Math.trunc(start) || 0;
    if (len === undefined || Number.isNaN(len)) return len === undefined ? str.slice(from) : '';
    if (len < 0) {
      const rest = str.slice(from);
      return rest.slice(0, Math.max(rest.length + Math.trunc(len), 0));
    }
    return str.slice(from, from + Math.trunc(len));
  };
};

/** `merge`: flattens array operands one level (Array#concat). */
export const mergeOp: OperatorBuilder = (args) => (s, l) => {
  const out: unknown[] = [];
  for (const arg of args) {
    const v = arg.fn(s, l);
    if (Array.isArray(v)) for (const x of v) out.push(x);
    else out.push(v);
  }
  return out;
};

function iterating(
  run: (items: unknown[], body: Fn, s: Parameters<Fn>[0]) => unknown,
  nonArray: unknown,
): OperatorBuilder {
  return (args) => {
    const src = fnAt(args, 0);
    const body = fnAt(args, 1);
    return (s, l) => {
      const items = src(s, l);
      if (!Array.isArray(items)) return typeof nonArray === 'function' ? nonArray() : nonArray;
      return run(items, body, s);
    };
  };
}

/** `map`: the body is evaluated with each element as data; a non-array gives []. */
export const mapOp = iterating(
  (items, body, s) => items.map((x) => body(s, x) ?? null),
  () => [],
);
/** `filter`: elements whose body result is truthy; a non-array gives []. */
export const filterOp = iterating(
  (items, body, s) => items.filter((x) => truthy(body(s, x))),
  () => [],
);
/** `all`: false for an empty array (json-logic-js); a non-array gives false. */
export const allOp = iterating((items, body, s) => {
  if (items.length === 0) return false;
  for (const x of items) if (!truthy(body(s, x))) return false;
  return true;
}, false);
/** `some`: true when any element passes; empty or non-array → false. */
export const someOp = iterating((items, body, s) => {
  for (const x of items) if (truthy(body(s, x))) return true;
  return false;
}, false);
/** `none`: true when no element passes; empty or non-array → true. */
export const noneOp = iterating((items, body, s) => {
  for (const x of items) if (truthy(body(s, x))) return false;
  return true;
}, true);

/** `reduce`: `[array, body, initial]`; the body sees `{current, accumulator}`; a non-array gives the initial value. */
export const reduceOp: OperatorBuilder = (args) => {
  const src = fnAt(args, 0);
  const body = fnAt(args, 1);
  const init = fnAt(args, 2);
  return (s, l) => {
    const items = src(s, l);
    let acc: unknown = init(s, l) ?? null;
    if (!Array.isArray(items)) return acc;
    for (const current of items) acc = body(s, { current, accumulator: acc }) ?? null;
    return acc;
  };
};
