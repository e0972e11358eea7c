// Data access, control flow, logic and comparison operators. Semantics follow json-logic-js
// (also what json-logic-engine and flagd agree on); where the two JavaScript libraries differ,
// the choice follows flagd's Go library and is noted inline.
import { BudgetSite } from './budget.js';
import type { TargetingScope } from './types.js';
import {
  type Arg,
  type BuildContext,
  type OperatorBuilder,
  evalAll,
  fnAt,
  NULL_FN,
} from './build.js';
import {
  type Fn,
  child,
  isForbiddenKey,
  normalizeLeaf,
  operand,
  readKey,
  resolvePath,
  splitPath,
  topData,
  topDataSize,
  topGet,
  truthy,
  VarRead,
} from './values.js';

function constParts(arg: Arg | undefined): string[] | undefined {
  if (arg === undefined) return [];
  if (!arg.isConst) return undefined;
  const v = arg.value;
  if (v === null || typeof v === 'string' || typeof v === 'number') return splitPath(v);
  return undefined;
}

/** Warns about paths that never resolve; `parts` is the split literal path. */
function checkVarPath(arg: Arg, parts: readonly string[], ctx: BuildContext): void {
  if (
    parts[0] === '$flagd' &&
    parts.length > 1 &&
    !(parts.length === 2 && (parts[1] === 'flagKey' || parts[1] === 'timestamp'))
  ) {
    ctx.warn(
      'UNKNOWN_FLAGD_PROPERTY',
      arg.path,
      `flagd only provides $flagd.flagKey and $flagd.timestamp, not ${arg.raw}`,
    );
  }
  if (parts.some((p) => p === '__proto__' || p === 'constructor' || p === 'prototype')) {
    ctx.warn(
      'UNSAFE_VAR_PATH',
      arg.path,
      `${arg.raw} reads an object-prototype property; it never resolves`,
    );
  }
}

/** The literal path (split) of a `var` in the evaluate build, when its default is literal too. */
function literalVar(args: readonly Arg[], ctx: BuildContext): string[] | undefined {
  const first = args[0];
  const dflt = args[1];
  if (!ctx.specialise || (dflt !== undefined && !dflt.isConst)) return undefined;
  return first?.isConst && typeof first.raw === 'string' ? splitPath(first.raw) : constParts(first);
}

/**
 * How an operator may read a `var` operand itself (see VarRead): a literal path of one ordinary
 * key, `$flagd.flagKey`, or the whole data; `fn` is the var's closure.
 */
export function varRead(args: readonly Arg[], ctx: BuildContext, fn: Fn): VarRead | undefined {
  const parts = literalVar(args, ctx);
  if (parts === undefined) return undefined;
  const dflt = args[1] === undefined ? null : args[1].value;
  if (parts.length === 0) return new VarRead('whole', '', dflt, fn);
  const key = parts[0] as string;
  if (parts.length === 1 && key !== '$flagd' && !isForbiddenKey(key))
    return new VarRead('key', key, dflt, fn);
  if (parts.length === 2 && key === '$flagd' && parts[1] === 'flagKey')
    return new VarRead('flagKey', '', dflt, fn);
  return undefined;
}

/** `var`: `[path, default]`, dotted path, numeric indexes, `""`/`[]` = the whole data. */
export const varOp: OperatorBuilder = (args, ctx, path) => {
  const site = new BudgetSite(ctx.limits, path);
  const first = args[0];
  // A literal string path is checked once; in the evaluate build a literal path and default
  // get a specialised closure.
  if (first !== undefined && typeof first.raw === 'string')
    checkVarPath(first, splitPath(first.raw), ctx);
  const parts = literalVar(args, ctx);
  const dflt = args[1];
  if (parts !== undefined) {
    const d = dflt === undefined ? null : dflt.value;
    if (parts.length === 1) {
      const key = parts[0] as string;
      if (key !== '$flagd' && !isForbiddenKey(key)) {
        const read = new VarRead('key', key, d, NULL_FN);
        return (s, l) => readKey(s, l, read);
      }
      return (s, l) => {
        const v = l === s ? topGet(s, key) : child(l, key);
        return v === undefined ? d : normalizeLeaf(v);
      };
    }
    if (parts.length === 0) {
      // The whole data (`""`, `[]`): the element inside an iteration, else a copy of every
      // context key (paid for per key).
      return (s, l) => {
        if (l !== s) return l === undefined ? d : normalizeLeaf(l);
        site.charge(s, topDataSize(s));
        return topData(s);
      };
    }
    const general: Fn = (s, l) => {
      const v = resolvePath(s, l, parts);
      return v === undefined ? d : normalizeLeaf(v);
    };
    if (parts.length === 2 && parts[0] === '$flagd') {
      if (parts[1] === 'flagKey') return (s, l) => (l === s ? s.flagKey : general(s, l));
      if (parts[1] === 'timestamp') return (s, l) => (l === s ? s.timestamp() : general(s, l));
    }
    return general;
  }
  const keyFn = fnAt(args, 0);
  const dfltFn = fnAt(args, 1);
  return (s, l) => {
    const key = keyFn(s, l);
    const d = dflt === undefined ? null : dfltFn(s, l);
    const parts = splitPath(key === null || key === undefined ? key : site.text(s, key));
    if (typeof key === 'string') site.scan(s, key);
    if (parts.length === 0 && l === s) site.charge(s, topDataSize(s));
    const v = resolvePath(s, l, parts);
    return v === undefined ? d : normalizeLeaf(v);
  };
};

/** The keys whose value is absent, null or "" (keys that are arrays are joined, bounded). */
function missingKeys(
  keys: readonly unknown[],
  where: { s: Parameters<Fn>[0]; l: unknown; site: BudgetSite },
): unknown[] {
  const { s, l, site } = where;
  site.charge(s, keys.length);
  const out: unknown[] = [];
  for (const key of keys) {
    const v = resolvePath(s, l, splitPath(Array.isArray(key) ? site.text(s, key) : key));
    if (v === undefined || v === null || v === '') out.push(key);
  }
  return out;
}

/** `missing`: keys (or one array of keys) whose value is absent, null or "" (json-logic-js). */
export const missingOp: OperatorBuilder = (args, ctx, path) => {
  const site = new BudgetSite(ctx.limits, path);
  return (s, l) => {
    const vals = evalAll(args, s, l);
    const keys = Array.isArray(vals[0]) ? (vals[0] as unknown[]) : vals;
    return missingKeys(keys, { s, l, site });
  };
};

/** `missing_some`: `[need, keys]` → [] when at least `need` keys are present, else the missing ones. */
export const missingSomeOp: OperatorBuilder = (args, ctx, path) => {
  const needFn = fnAt(args, 0);
  const keysFn = fnAt(args, 1);
  const site = new BudgetSite(ctx.limits, path);
  return (s, l) => {
    const need = needFn(s, l);
    const raw = keysFn(s, l);
    const keys = Array.isArray(raw) ? raw : [raw];
    const out = missingKeys(keys, { s, l, site });
    return keys.length - out.length >= (need as number) ? [] : out;
  };
};

/** An `if` choosing between two literals: `test` decides between `whenTrue` and `whenFalse`. */
export interface Choice {
  readonly test: Fn;
  readonly whenTrue: unknown;
  readonly whenFalse: unknown;
}

const CHOICE: unique symbol = Symbol('switchyard.choice');

/**
 * The choice an `if` closure of the evaluate build makes, if it picks between two literals: a
 * rule that is such an `if` (most are) runs its test straight from the compiled rule, one call
 * through a shared closure fewer.
 */
export function choiceOf(fn: Fn): Choice | undefined {
  return (fn as Fn & { readonly [CHOICE]?: Choice })[CHOICE];
}

/** `if` / `?:`: `[c1, t1, c2, t2, ..., else]`; one operand returns it; no match and no else → null. */
export const ifOp: OperatorBuilder = (args) => {
  const n = args.length;
  if (n === 0) return () => null;
  if (n === 1) return fnAt(args, 0);
  const c = fnAt(args, 0);
  const t = fnAt(args, 1);
  if (n === 2) return (s, l) => (truthy(c(s, l)) ? t(s, l) : null);
  if (n === 3) {
    const then = args[1] as Arg;
    const other = args[2] as Arg;
    // The usual rule picks between two literal variant names: return them without a call.
    if (then.isConst && other.isConst) {
      const tv = then.value;
      const ev = other.value;
      const fn: Fn = (s, l) => (truthy(c(s, l)) ? tv : ev);
      const choice: Choice = { test: c, whenTrue: tv, whenFalse: ev };
      Object.defineProperty(fn, CHOICE, { value: choice });
      return fn;
    }
    const e = fnAt(args, 2);
    return (s, l) => (truthy(c(s, l)) ? t(s, l) : e(s, l));
  }
  const fns = args.map((a) => a.fn);
  const pairs = n - (n % 2);
  const elseFn = n % 2 === 1 ? fns[n - 1] : undefined;
  return (s, l) => {
    for (let i = 0; i < pairs; i += 2) {
      if (truthy((fns[i] as Fn)(s, l))) return (fns[i + 1] as Fn)(s, l);
    }
    return elseFn === undefined ? null : elseFn(s, l);
  };
};

/** `and`: the first falsy operand or the last one; no operands → null (json-logic-engine; js gives undefined). */
export const andOp: OperatorBuilder = (args) => {
  const n = args.length;
  if (n === 0) return () => null;
  if (n === 1) return fnAt(args, 0);
  if (n === 2) {
    const a = fnAt(args, 0);
    const b = fnAt(args, 1);
    return (s, l) => {
      const v = a(s, l);
      return truthy(v) ? b(s, l) : v;
    };
  }
  const fns = args.map((x) => x.fn);
  return (s, l) => {
    let v: unknown = null;
    for (let i = 0; i < n; i++) {
      v = (fns[i] as Fn)(s, l);
      if (!truthy(v)) return v;
    }
    return v;
  };
};

/** `or`: the first truthy operand or the last one; no operands → null. */
export const orOp: OperatorBuilder = (args) => {
  const n = args.length;
  if (n === 0) return () => null;
  if (n === 1) return fnAt(args, 0);
  if (n === 2) {
    const a = fnAt(args, 0);
    const b = fnAt(args, 1);
    return (s, l) => {
      const v = a(s, l);
      return truthy(v) ? v : b(s, l);
    };
  }
  const fns = args.map((x) => x.fn);
  return (s, l) => {
    let v: unknown = null;
    for (let i = 0; i < n; i++) {
      v = (fns[i] as Fn)(s, l);
      if (truthy(v)) return v;
    }
    return v;
  };
};

export const notOp: OperatorBuilder = (args) => {
  const a = fnAt(args, 0);
  return (s, l) => !truthy(a(s, l));
};

export const notNotOp: OperatorBuilder = (args) => {
  const a = fnAt(args, 0);
  return (s, l) => truthy(a(s, l));
};

type Binary = (a: unknown, b: unknown) => boolean;

// biome-ignore lint/suspicious/noDoubleEquals: JSONLogic `==` is JavaScript loose equality.
const looseEq: Binary = (a, b) => a == b;

function isPrimitive(v: unknown): boolean {
  const t = typeof v;
  return t === 'string' || t === 'number' || t === 'boolean';
}

/**
 * `==` where an operand may be an array: JavaScript compares an array with a primitive through
 * its text (`[1,2] == "1,2"`), which Array#join would build without bound; the budget site
 * builds it within the string limit. Two objects compare by identity, as `==` does.
 */
function looseEqBounded(
  a: unknown,
  b: unknown,
  where: { s: Parameters<Fn>[0]; site: BudgetSite },
): boolean {
  const x = Array.isArray(a) && isPrimitive(b) ? where.site.primitive(where.s, a) : a;
  const y = Array.isArray(b) && isPrimitive(a) ? where.site.primitive(where.s, b) : b;
  return looseEq(x, y);
}

/**
 * The test against a literal `k`, as one closure over the other operand. For loose equality
 * against a string or number literal, an operand of the same type compares with `===` (what `==`
 * does for equal types) without going through the generic comparison; other types keep `==`.
 */
interface ConstHow {
  readonly loose: boolean;
  readonly negate: boolean;
  readonly site: BudgetSite;
}

function constTest(k: unknown, a: Fn, how: ConstHow): Fn {
  const { loose, negate, site } = how;
  if (!loose) return negate ? (s, l) => a(s, l) !== k : (s, l) => a(s, l) === k;
  const other = (v: unknown, s: Parameters<Fn>[0]): boolean => looseEqBounded(v, k, { s, site });
  if (typeof k === 'string') {
    return negate
      ? (s, l) => {
          const v = a(s, l);
          return typeof v === 'string' ? v !== k : !other(v, s);
        }
      : (s, l) => {
          const v = a(s, l);
          return typeof v === 'string' ? v === k : other(v, s);
        };
  }
  if (typeof k === 'number') {
    return negate
      ? (s, l) => {
          const v = a(s, l);
          return typeof v === 'number' ? v !== k : !other(v, s);
        }
      : (s, l) => {
          const v = a(s, l);
          return typeof v === 'number' ? v === k : other(v, s);
        };
  }
  return negate ? (s, l) => !other(a(s, l), s) : (s, l) => other(a(s, l), s);
}

/**
 * constTest for a `var` of one key against a string or number literal `k` (the usual targeting
 * test, `{"==": [{"var": "tier"}, "pro"]}`), reading the key inline instead of calling the var.
 */
function keyConstTest(
  operand: Arg | undefined,
  literal: Arg | undefined,
  how: ConstHow,
): Fn | undefined {
  const read = operand?.read;
  if (read?.kind !== 'key' || literal === undefined || !literal.isConst) return undefined;
  const k = literal.value;
  if (typeof k !== 'string' && typeof k !== 'number') return undefined;
  const { loose, negate, site } = how;
  if (!loose) {
    return negate ? (s, l) => readKey(s, l, read) !== k : (s, l) => readKey(s, l, read) === k;
  }
  // A value of the literal's type compares with ===, what == does for equal types (each type
  // its own closure: `typeof v === kind` with `kind` not a literal is a builtin call).
  const other = (v: unknown, s: TargetingScope): boolean => looseEqBounded(v, k, { s, site });
  if (typeof k === 'string') {
    return negate
      ? (s, l) => {
          const v = readKey(s, l, read);
          return typeof v === 'string' ? v !== k : !other(v, s);
        }
      : (s, l) => {
          const v = readKey(s, l, read);
          return typeof v === 'string' ? v === k : other(v, s);
        };
  }
  return negate
    ? (s, l) => {
        const v = readKey(s, l, read);
        return typeof v === 'number' ? v !== k : !other(v, s);
      }
    : (s, l) => {
        const v = readKey(s, l, read);
        return typeof v === 'number' ? v === k : other(v, s);
      };
}

/**
 * Equality operators compare their first two operands (json-logic-js; json-logic-engine chains
 * extra operands, Go ignores them). A literal operand is folded into the closure.
 */
function equality(loose: boolean, negate: boolean): OperatorBuilder {
  return (args, ctx, path) => {
    const a = fnAt(args, 0);
    const b = fnAt(args, 1);
    const ac = args[0];
    const bc = args[1];
    const site = new BudgetSite(ctx.limits, path);
    const how = { loose, negate, site };
    // Equality is symmetric, so a literal on either side folds the same way.
    if (ctx.specialise) {
      const keyed = keyConstTest(ac, bc, how) ?? keyConstTest(bc, ac, how);
      if (keyed !== undefined) return keyed;
    }
    if (ctx.specialise && bc?.isConst && !ac?.isConst) return constTest(bc.value, a, how);
    if (ctx.specialise && ac?.isConst && !bc?.isConst) return constTest(ac.value, b, how);
    if (!loose) return negate ? (s, l) => a(s, l) !== b(s, l) : (s, l) => a(s, l) === b(s, l);
    return negate
      ? (s, l) => !looseEqBounded(a(s, l), b(s, l), { s, site })
      : (s, l) => looseEqBounded(a(s, l), b(s, l), { s, site });
  };
}

export const eqOp = equality(true, false);
export const neqOp = equality(true, true);
export const strictEqOp = equality(false, false);
export const strictNeqOp = equality(false, true);

/**
 * Ordering operators with native JavaScript comparison. Two operands compare; three are the
 * "between" form (`a < b && b < c`); more chain the same way (json-logic-engine; json-logic-js
 * ignores operands past the third). All operands are evaluated, as in every JSONLogic library.
 * Arrays compare through their text, as JavaScript does, built within the string limit.
 */
function ordering(test: Binary): OperatorBuilder {
  return (args, ctx, path) => {
    const site = new BudgetSite(ctx.limits, path);
    const fa = fnAt(args, 0);
    const fb = fnAt(args, 1);
    const [ra, rb] = [args[0]?.read, args[1]?.read];
    const a: Fn = (s, l) => site.primitive(s, fa(s, l));
    const b: Fn = (s, l) => site.primitive(s, fb(s, l));
    if (args.length <= 2) {
      return (s, l) =>
        test(site.primitive(s, operand(s, l, ra, fa)), site.primitive(s, operand(s, l, rb, fb)));
    }
    if (args.length === 3) {
      const fc = fnAt(args, 2);
      return (s, l) => {
        const x = a(s, l);
        const y = b(s, l);
        const z = site.primitive(s, fc(s, l));
        return test(x, y) && test(y, z);
      };
    }
    return (s, l) => {
      const vals = evalAll(args, s, l);
      for (let i = 0; i + 1 < vals.length; i++) {
        if (!test(site.primitive(s, vals[i]), site.primitive(s, vals[i + 1]))) return false;
      }
      return true;
    };
  };
}

export const ltOp = ordering((a, b) => (a as number) < (b as number));
export const lteOp = ordering((a, b) => (a as number) <= (b as number));
export const gtOp = ordering((a, b) => (a as number) > (b as number));
export const gteOp = ordering((a, b) => (a as number) >= (b as number));
