// TEMPORARY (until @switchyard/core exports evaluate/explain): a small JSONLogic interpreter
// with flagd's custom operators and explain traces in core's TraceNode shape. It interprets the
// rule tree directly (no code generation); unknown operators throw RuleError (PARSE_ERROR).
import type { TraceNode } from '../engine-types.js';
import { bucketOf, murmur3 } from './murmur3.js';
import { semVer } from './semver.js';

export class RuleError extends Error {
  override readonly name = 'RuleError';
}

interface Ctx {
  readonly flagKey: string;
  readonly root: Record<string, unknown>;
  readonly trace: boolean;
}
type Eval = (i: number, data?: unknown) => unknown;
type Op = (
  raw: readonly unknown[],
  e: Eval,
  data: unknown,
  ctx: Ctx,
  detail: (d: Record<string, unknown>) => void,
) => unknown;

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function truthy(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0;
  return Boolean(v) && !(typeof v === 'number' && Number.isNaN(v));
}

function lookup(data: unknown, path: unknown): unknown {
  if (path === null || path === undefined || path === '') return data;
  let cur: unknown = data;
  for (const part of String(path).split('.')) {
    if (isObj(cur) && Object.hasOwn(cur, part)) cur = cur[part];
    else if (Array.isArray(cur) && /^\d+$/.test(part)) cur = cur[Number(part)];
    else return undefined;
  }
  return cur;
}

function looseEq(a: unknown, b: unknown): boolean {
  if (a === null || b === null || a === undefined || b === undefined) return a == null && b == null;
  if (typeof a === typeof b) return a === b;
  return Number(a) === Number(b);
}

const num = (v: unknown): number => Number(v);
const cmp =
  (f: (a: number, b: number) => boolean): Op =>
  (raw, e) => {
    const vals = raw.map((_, i) => e(i));
    if (vals.length === 3) return f(num(vals[0]), num(vals[1])) && f(num(vals[1]), num(vals[2]));
    return f(num(vals[0]), num(vals[1]));
  };
const arrayOp =
  (f: (items: unknown[], test: (x: unknown) => unknown) => unknown): Op =>
  (_raw, e) => {
    const items = e(0);
    const list = Array.isArray(items) ? items : [];
    return f(list, (x) => e(1, x));
  };

function fractional(
  raw: readonly unknown[],
  e: Eval,
  data: unknown,
  ctx: Ctx,
  detail: (d: Record<string, unknown>) => void,
): unknown {
  const vals = raw.map((_, i) => e(i));
  let seed: string;
  let from = 1;
  const first = vals[0];
  if (typeof first === 'string') seed = first;
  else if (first === null || first === undefined || Array.isArray(first)) {
    const tk = lookup(data, 'targetingKey');
    if (typeof tk !== 'string' || tk === '') return null;
    seed = ctx.flagKey + tk;
    if (Array.isArray(first)) from = 0;
  } else return null;
  const variants: unknown[] = [];
  const weights: number[] = [];
  for (let i = from; i < vals.length; i++) {
    const d = vals[i];
    if (!Array.isArray(d) || d.length === 0) return null;
    const w = d.length >= 2 && d[1] !== null ? d[1] : 1;
    if (typeof w !== 'number' || !Number.isInteger(w)) return null;
    variants.push(d[0]);
    weights.push(Math.max(0, w));
  }
  const total = weights.reduce((a, b) => a + b, 0);
  if (total === 0 || total > 2147483647) return null;
  const hash = murmur3(seed);
  const bucket = bucketOf(hash, total);
  let end = 0;
  let chosen: unknown = null;
  const ranges: { variant: unknown; weight: number; from: number; to: number }[] = [];
  for (let i = 0; i < weights.length; i++) {
    const start = end;
    end += weights[i] as number;
    ranges.push({ variant: variants[i], weight: weights[i] as number, from: start, to: end });
    if (chosen === null && bucket < end) chosen = variants[i];
  }
  detail({ bucketingValue: seed, hash, totalWeight: total, bucket, ranges, chosen });
  return chosen;
}

const OPS: Record<string, Op> = {
  var: (raw, e, data) => {
    const path = e(0);
    const found = lookup(data, Array.isArray(path) ? path[0] : path);
    return found === undefined ? (raw.length > 1 ? e(1) : null) : found;
  },
  missing: (raw, e, data) =>
    raw
      .flatMap((_, i) => {
        const v = e(i);
        return Array.isArray(v) ? v : [v];
      })
      .filter((k) => {
        const f = lookup(data, k);
        return f === undefined || f === null || f === '';
      }),
  missing_some: (_raw, e, data) => {
    const need = num(e(0));
    const keys = e(1);
    const list = Array.isArray(keys) ? keys : [];
    const missing = list.filter((k) => {
      const f = lookup(data, k);
      return f === undefined || f === null || f === '';
    });
    return list.length - missing.length >= need ? [] : missing;
  },
  if: (raw, e) => {
    let i = 0;
    for (; i + 1 < raw.length; i += 2) if (truthy(e(i))) return e(i + 1);
    return i < raw.length ? e(i) : null;
  },
  '==': (_r, e) => looseEq(e(0), e(1)),
  '!=': (_r, e) => !looseEq(e(0), e(1)),
  '===': (_r, e) => e(0) === e(1),
  '!==': (_r, e) => e(0) !== e(1),
  '<': cmp((a, b) => a < b),
  '<=': cmp((a, b) => a <= b),
  '>': cmp((a, b) => a > b),
  '>=': cmp((a, b) => a >= b),
  '!': (_r, e) => !truthy(e(0)),
  '!!': (_r, e) => truthy(e(0)),
  and: (raw, e) => {
    let v: unknown = null;
    for (let i = 0; i < raw.length; i++) {
      v = e(i);
      if (!truthy(v)) return v;
    }
    return v;
  },
  or: (raw, e) => {
    let v: unknown = null;
    for (let i = 0; i < raw.length; i++) {
      v = e(i);
      if (truthy(v)) return v;
    }
    return v;
  },
  in: (_r, e) => {
    const a = e(0);
    const b = e(1);
    if (Array.isArray(b)) return b.some((x) => x === a);
    return typeof b === 'string' ? b.includes(String(a)) : false;
  },
  cat: (raw, e) =>
    raw
      .map((_, i) => e(i))
      .map((v) => (v == null ? '' : String(v)))
      .join(''),
  substr: (raw, e) => {
    const s = String(e(0));
    const start = num(e(1));
    const from = start < 0 ? Math.max(0, s.length + start) : start;
    if (raw.length < 3) return s.slice(from);
    const len = num(e(2));
    return len < 0 ? s.slice(from, s.length + len) : s.slice(from, from + len);
  },
  '+': (raw, e) => raw.reduce<number>((a, _, i) => a + num(e(i)), 0),
  '*': (raw, e) => raw.reduce<number>((a, _, i) => a * num(e(i)), 1),
  '-': (raw, e) => (raw.length === 1 ? -num(e(0)) : num(e(0)) - num(e(1))),
  '/': (_r, e) => num(e(0)) / num(e(1)),
  '%': (_r, e) => num(e(0)) % num(e(1)),
  min: (raw, e) => Math.min(...raw.map((_, i) => num(e(i)))),
  max: (raw, e) => Math.max(...raw.map((_, i) => num(e(i)))),
  merge: (raw, e) =>
    raw.flatMap((_, i) => {
      const v = e(i);
      return Array.isArray(v) ? v : [v];
    }),
  map: arrayOp((items, t) => items.map(t)),
  filter: arrayOp((items, t) => items.filter((x) => truthy(t(x)))),
  all: arrayOp((items, t) => items.length > 0 && items.every((x) => truthy(t(x)))),
  some: arrayOp((items, t) => items.some((x) => truthy(t(x)))),
  none: arrayOp((items, t) => !items.some((x) => truthy(t(x)))),
  starts_with: (_r, e) => {
    const a = e(0);
    const b = e(1);
    return typeof a === 'string' && typeof b === 'string' ? a.startsWith(b) : null;
  },
  ends_with: (_r, e) => {
    const a = e(0);
    const b = e(1);
    return typeof a === 'string' && typeof b === 'string' ? a.endsWith(b) : null;
  },
  sem_ver: (_r, e) => semVer(e(0), e(1), e(2)),
  fractional,
};
OPS['?:'] = OPS.if as Op;

/** Operator names this interpreter knows (for static checks in the fallback parser). */
export const KNOWN_OPERATORS: ReadonlySet<string> = new Set(Object.keys(OPS));

function ev(
  rule: unknown,
  data: unknown,
  path: string,
  ctx: Ctx,
  parent: TraceNode[] | undefined,
): unknown {
  if (Array.isArray(rule)) return rule.map((r, i) => ev(r, data, `${path}[${i}]`, ctx, parent));
  if (!isObj(rule)) return rule;
  const keys = Object.keys(rule);
  if (keys.length !== 1) return rule;
  const op = keys[0] as string;
  const impl = Object.hasOwn(OPS, op) ? OPS[op] : undefined;
  if (impl === undefined) throw new RuleError(`unknown operator "${op}" at ${path}`);
  const rawArg = rule[op];
  const raw: readonly unknown[] = Array.isArray(rawArg) ? rawArg : [rawArg];
  const children: TraceNode[] | undefined = ctx.trace ? [] : undefined;
  const args: unknown[] = [];
  let detail: Record<string, unknown> | undefined;
  const e: Eval = (i, local) => {
    const v = ev(raw[i], local === undefined ? data : local, `${path}.${op}[${i}]`, ctx, children);
    if (ctx.trace) args.push(v);
    return v;
  };
  const result =
    impl(raw, e, data, ctx, (d) => {
      detail = d;
    }) ?? null;
  if (parent !== undefined && children !== undefined) {
    parent.push({
      op,
      path,
      args,
      result,
      ...(children.length > 0 ? { children } : {}),
      ...(detail === undefined ? {} : { detail }),
    });
  }
  return result;
}

/** Runs a rule; with `trace`, also returns the root node of the visited tree. */
export function runRule(
  rule: unknown,
  data: Record<string, unknown>,
  flagKey: string,
  trace: boolean,
): { value: unknown; trace?: TraceNode } {
  const ctx: Ctx = { flagKey, root: data, trace };
  const top: TraceNode[] | undefined = trace ? [] : undefined;
  const value = ev(rule, data, 'targeting', ctx, top) ?? null;
  const root =
    top?.[0] ?? (trace ? { op: 'literal', path: 'targeting', result: value } : undefined);
  return root === undefined ? { value } : { value, trace: root };
}
