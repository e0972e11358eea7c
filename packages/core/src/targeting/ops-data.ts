// Arithmetic, string and array operators. Semantics follow json-logic-js where it agrees with
// json-logic-engine; where they differ, flagd's Go library decides (noted inline). Nothing here
// throws: odd operand types give NaN, null or an empty result, as JSONLogic does.
import { BudgetSite } from './budget.js';
import {
  type Arg,
  type BuildContext,
  type OperatorBuilder,
  type RulePath,
  evalAll,
  fnAt,
} from './build.js';
import { ruleNodes } from './limits.js';
import type { TargetingScope } from './types.js';
import { type Fn, normalizeLeaf, operand, toNumber, truthy, type VarRead } from './values.js';

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
 * A literal list of strings and numbers that `in` tests membership of. A short list is scanned
 * with === (what the generic indexOf does): for a handful of entries that beats hashing the
 * needle. A longer one is a Set (same result, as JSON literals hold no NaN, the one value where
 * Set and === disagree). One class, so every `in` calls the same `has`, which V8 inlines.
 */
class LiteralList {
  private readonly items: readonly unknown[];
  private readonly set: Set<unknown> | undefined;
  /** Every item is a string / every item is a number (both false for a mixed list). */
  private readonly strings: boolean;
  private readonly numbers: boolean;

  constructor(items: readonly (string | number)[]) {
    this.items = items.slice();
    this.set = items.length > SCAN_MAX ? new Set<unknown>(items) : undefined;
    this.strings = items.every((x) => typeof x === 'string');
    this.numbers = !this.strings && items.every((x) => typeof x === 'number');
  }

  has(v: unknown): boolean {
    // A value of another type than every item is strictly equal to none of them.
    if (this.strings ? typeof v !== 'string' : this.numbers && typeof v !== 'number') return false;
    if (this.set !== undefined) return this.set.has(v);
    const items = this.items;
    for (let i = 0; i < items.length; i++) if (items[i] === v) return true;
    return false;
  }
}

/** An `in` of a `var` needle in a literal list, as the iteration operators test it inline. */
interface Membership {
  readonly read: VarRead;
  readonly fn: Fn;
  readonly list: LiteralList;
}

const MEMBERSHIP: unique symbol = Symbol('switchyard.membership');

/** The membership test an `in` closure of the evaluate build performs, if it is one. */
function membershipOf(fn: Fn): Membership | undefined {
  return (fn as Fn & { readonly [MEMBERSHIP]?: Membership })[MEMBERSHIP];
}

/** `in` against a literal list; a `var` needle is read inline (see VarRead). */
function inLiteralList(needle: Arg, list: LiteralList): Fn {
  const read = needle.read;
  const a = needle.fn;
  if (read === undefined) return (s, l) => list.has(a(s, l));
  const fn: Fn = (s, l) => list.has(operand(s, l, read, a));
  const membership: Membership = { read, fn: a, list };
  Object.defineProperty(fn, MEMBERSHIP, { value: membership });
  return fn;
}

/**
 * `in`: substring test when the second operand is a string (the needle is stringified, as
 * `String#indexOf` does), strict membership when it is an array, false otherwise.
 */
export const inOp: OperatorBuilder = (args, ctx, path) => {
  const a = fnAt(args, 0);
  const b = fnAt(args, 1);
  const hay = args[1];
  const site = new BudgetSite(ctx.limits, path);
  if (ctx.specialise && hay?.isConst) {
    const h = hay.value;
    if (isSetLiteral(h)) {
      const list = new LiteralList(h);
      return args[0] === undefined ? () => list.has(null) : inLiteralList(args[0], list);
    }
    if (typeof h === 'string') return (s, l) => h.includes(site.text(s, a(s, l)));
  }
  return (s, l) => {
    const needle = a(s, l);
    const h = b(s, l);
    if (typeof h === 'string') {
      site.scan(s, h);
      return h.includes(site.text(s, needle));
    }
    if (Array.isArray(h)) {
      site.charge(s, h.length);
      return h.indexOf(needle) !== -1;
    }
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
export function catOperands(fn: Fn): readonly [Arg, Arg] | undefined {
  return (fn as Fn & { readonly [CAT_OPERANDS]?: readonly [Arg, Arg] })[CAT_OPERANDS];
}

/**
 * `cat`: concatenation; null → "" (Array#join). Go's jsonlogic also trims; the JS libraries do
 * not. The result is checked against the string limit after every operand, so a rule that
 * concatenates a long value many times stops at the limit instead of building the whole text.
 */
export const catOp: OperatorBuilder = (args, ctx, path) => {
  const a = fnAt(args, 0);
  const b = fnAt(args, 1);
  const site = new BudgetSite(ctx.limits, path);
  if (args.length === 2) {
    const [ra, rb] = [args[0]?.read, args[1]?.read];
    const fn: Fn = (s, l) =>
      site.produced(s, site.text(s, operand(s, l, ra, a)) + site.text(s, operand(s, l, rb, b)));
    if (ctx.specialise) Object.defineProperty(fn, CAT_OPERANDS, { value: args.slice() });
    return fn;
  }
  const max = ctx.limits.maxStringLength;
  return (s, l) => {
    let r = '';
    for (const arg of args) {
      r += site.text(s, arg.fn(s, l));
      if (r.length > max) site.produced(s, r);
    }
    return site.produced(s, r);
  };
};

/** `substr`: `[string, start, length?]`; negative start counts from the end, negative length drops from the end. */
export const substrOp: OperatorBuilder = (args, ctx, path) => {
  const fs = fnAt(args, 0);
  const fstart = fnAt(args, 1);
  const flen = fnAt(args, 2);
  const hasLen = args.length >= 3;
  const site = new BudgetSite(ctx.limits, path);
  return (s, l) => {
    const str = site.text(s, fs(s, l));
    const start = fstart(s, l);
    return site.produced(s, substring(str, start, hasLen ? toNumber(flen(s, l)) : undefined));
  };
};

/** JSONLogic's substr over evaluated operands (`length` undefined when not given). */
function substring(str: string, rawStart: unknown, len: number | undefined): string {
  const start = toNumber(rawStart);
  const from = start < 0 ? Math.max(str.length + Math.trunc(start), 0) : Math.trunc(start) || 0;
  if (len === undefined || Number.isNaN(len)) return len === undefined ? str.slice(from) : '';
  if (len < 0) {
    const rest = str.slice(from);
    return rest.slice(0, Math.max(rest.length + Math.trunc(len), 0));
  }
  return str.slice(from, from + Math.trunc(len));
}

/** `merge`: flattens array operands one level (Array#concat), within the array limit. */
export const mergeOp: OperatorBuilder = (args, ctx, path) => {
  const site = new BudgetSite(ctx.limits, path);
  return (s, l) => {
    const out: unknown[] = [];
    for (const arg of args) {
      const v = arg.fn(s, l);
      if (Array.isArray(v)) {
        site.array(out.length + v.length);
        site.charge(s, v.length);
        for (const x of v) out.push(x);
      } else out.push(v);
    }
    return out;
  };
};

/**
 * One iteration operator's compiled parts. Before the body runs, the whole iteration is paid for
 * (one step per element per node of the body) and, for the operators that build an array of
 * the same length (map, filter), the length is checked.
 */
class Iteration {
  readonly src: Fn;
  readonly body: Fn;
  /** The source when it is a `var` read inline (see VarRead). */
  private readonly read: VarRead | undefined;
  /** The body when it is an `in` of the element in a literal list, tested inline. */
  private readonly member: Membership | undefined;
  /** The membership tests the element itself (`{"var": ""}`): no operand dispatch per element. */
  private readonly memberIsElement: boolean;
  private readonly perElement: number;
  private readonly site: BudgetSite;
  private readonly buildsArray: boolean;

  constructor(
    args: readonly Arg[],
    where: { ctx: BuildContext; path: RulePath; buildsArray: boolean },
  ) {
    this.src = fnAt(args, 0);
    this.body = fnAt(args, 1);
    this.member = where.ctx.specialise ? membershipOf(this.body) : undefined;
    this.memberIsElement = this.member?.read.kind === 'whole';
    this.read = args[0]?.read;
    this.perElement = args[1] === undefined ? 1 : ruleNodes(args[1].raw);
    this.site = new BudgetSite(where.ctx.limits, where.path);
    this.buildsArray = where.buildsArray;
  }

  /** The source array, paid for and checked; undefined when the source is not an array. */
  items(s: TargetingScope, l: unknown): unknown[] | undefined {
    const items = operand(s, l, this.read, this.src);
    if (!Array.isArray(items)) return undefined;
    if (this.buildsArray) this.site.array(items.length);
    this.site.charge(s, items.length * this.perElement);
    return items;
  }

  /** Whether the body holds for the element `x`. */
  passes(s: TargetingScope, x: unknown): boolean {
    const m = this.member;
    if (m === undefined) return truthy(this.body(s, x));
    if (this.memberIsElement) return m.list.has(x === undefined ? m.read.dflt : normalizeLeaf(x));
    return m.list.has(operand(s, x, m.read, m.fn));
  }
}

// Each operator has its own closure (not one shared loop calling a per-operator callback), so
// the body call in each loop is the only call V8 cannot inline, and with a membership body
// (`{"in": [{"var": ""}, [...]]}`) there is none.

/** `map`: the body is evaluated with each element as data; a non-array gives []. */
export const mapOp: OperatorBuilder = (args, ctx, path) => {
  const it = new Iteration(args, { ctx, path, buildsArray: true });
  const body = it.body;
  return (s, l) => it.items(s, l)?.map((x) => body(s, x) ?? null) ?? [];
};

/** `filter`: elements whose body result is truthy; a non-array gives []. */
export const filterOp: OperatorBuilder = (args, ctx, path) => {
  const it = new Iteration(args, { ctx, path, buildsArray: true });
  return (s, l) => it.items(s, l)?.filter((x) => it.passes(s, x)) ?? [];
};

/** `all`: false for an empty array (json-logic-js); a non-array gives false. */
export const allOp: OperatorBuilder = (args, ctx, path) => {
  const it = new Iteration(args, { ctx, path, buildsArray: false });
  return (s, l) => {
    const items = it.items(s, l);
    if (items === undefined || items.length === 0) return false;
    for (let i = 0; i < items.length; i++) if (!it.passes(s, items[i])) return false;
    return true;
  };
};

/** `some`: true when any element passes; empty or non-array → false. */
export const someOp: OperatorBuilder = (args, ctx, path) => {
  const it = new Iteration(args, { ctx, path, buildsArray: false });
  return (s, l) => {
    const items = it.items(s, l);
    if (items === undefined) return false;
    for (let i = 0; i < items.length; i++) if (it.passes(s, items[i])) return true;
    return false;
  };
};

/** `none`: true when no element passes; empty or non-array → true. */
export const noneOp: OperatorBuilder = (args, ctx, path) => {
  const it = new Iteration(args, { ctx, path, buildsArray: false });
  return (s, l) => {
    const items = it.items(s, l);
    if (items === undefined) return true;
    for (let i = 0; i < items.length; i++) if (it.passes(s, items[i])) return false;
    return true;
  };
};

/** `reduce`: `[array, body, initial]`; the body sees `{current, accumulator}`; a non-array gives the initial value. */
export const reduceOp: OperatorBuilder = (args, ctx, path) => {
  const src = fnAt(args, 0);
  const body = fnAt(args, 1);
  const init = fnAt(args, 2);
  const perElement = args[1] === undefined ? 1 : ruleNodes(args[1].raw);
  const site = new BudgetSite(ctx.limits, path);
  return (s, l) => {
    const items = src(s, l);
    let acc: unknown = init(s, l) ?? null;
    if (!Array.isArray(items)) return acc;
    site.charge(s, items.length * perElement);
    for (const current of items) acc = body(s, { current, accumulator: acc }) ?? null;
    return acc;
  };
};
