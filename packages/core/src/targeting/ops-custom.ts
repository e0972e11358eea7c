// flagd's custom operators: fractional, sem_ver, starts_with, ends_with. Argument-shape problems
// that flagd only detects at run time are compiled (they return null, as in flagd) and reported
// as warnings so that strict linting can reject them.
import type { JsonValue } from '../types.js';
import { BudgetSite } from './budget.js';
import {
  type Arg,
  type BuildContext,
  type OperatorBuilder,
  type RulePath,
  evalAll,
  fnAt,
  isLiteral,
  isOperation,
} from './build.js';
import {
  type BucketTable,
  MAX_TOTAL_WEIGHT,
  chooseSeed,
  describeBucketing,
  parseDistributions,
  pickIndex,
} from './fractional.js';
import { Murmur3Prefix, murmur3Utf8, murmur3Utf8PairCached } from './murmur3.js';
import { catOperands } from './ops-data.js';
import {
  SEMVER_OPERATORS,
  type SemVer,
  applySemVer,
  formatSemVer,
  parseSemVer,
  parseSemVerCached,
} from './semver.js';
import type { Tracer } from './trace.js';
import type { TargetingScope } from './types.js';
import { type Fn, child, operand, readKey, topGet } from './values.js';

function targetingKeyOf(s: TargetingScope, l: unknown): unknown {
  return l === s ? topGet(s, 'targetingKey') : child(l, 'targetingKey');
}

function checkFractional(args: readonly Arg[], ctx: BuildContext, path: RulePath): void {
  if (args.length === 0) {
    ctx.warn(
      'FRACTIONAL_ARGUMENTS',
      path,
      'fractional needs at least one distribution; it returns null',
    );
    return;
  }
  const first = args[0] as Arg;
  let from = 1;
  if (Array.isArray(first.raw)) from = 0;
  else if (typeof first.raw === 'string') {
    ctx.warn(
      'FRACTIONAL_BUCKET_KEY',
      first.path,
      'the bucketing value is a constant, so every subject gets the same variant',
    );
  } else if (first.raw !== null && !isOperation(first.raw)) {
    ctx.warn(
      'FRACTIONAL_BUCKET_KEY',
      first.path,
      'the bucketing value must be a string expression; flagd returns null',
    );
  }
  let total = 0;
  let allLiteral = true;
  for (let i = from; i < args.length; i++) {
    const d = args[i] as Arg;
    if (isOperation(d.raw)) {
      allLiteral = false;
      continue;
    }
    if (!Array.isArray(d.raw) || d.raw.length === 0) {
      ctx.warn(
        'FRACTIONAL_DISTRIBUTION',
        d.path,
        'a distribution must be [variant, weight?]; flagd returns null',
      );
      continue;
    }
    const [variant, weight] = d.raw as JsonValue[];
    if (d.raw.length > 2)
      ctx.warn('FRACTIONAL_DISTRIBUTION', d.path, 'a distribution has at most 2 elements');
    if (variant !== null && typeof variant === 'object' && !isOperation(variant)) {
      ctx.warn(
        'FRACTIONAL_DISTRIBUTION',
        `${d.path}[0]`,
        'a variant must be a string, number, boolean or null',
      );
    }
    if (d.raw.length < 2) total += 1;
    else if (weight === null || isOperation(weight)) allLiteral = false;
    else if (typeof weight !== 'number' || !Number.isInteger(weight) || weight > MAX_TOTAL_WEIGHT) {
      ctx.warn(
        'FRACTIONAL_WEIGHT',
        `${d.path}[1]`,
        'a weight must be an integer up to 2^31-1; flagd returns null',
      );
      allLiteral = false;
    } else if (weight < 0) {
      ctx.warn('FRACTIONAL_NEGATIVE_WEIGHT', `${d.path}[1]`, 'a negative weight is clamped to 0');
    } else total += weight;
  }
  if (total > MAX_TOTAL_WEIGHT) {
    ctx.warn(
      'FRACTIONAL_TOTAL_WEIGHT',
      path,
      `the weights sum to more than ${MAX_TOTAL_WEIGHT}; flagd returns null`,
    );
  } else if (allLiteral && total === 0 && args.length > from) {
    ctx.warn('FRACTIONAL_TOTAL_WEIGHT', path, 'the weights sum to 0; flagd returns null');
  }
}

/** Where a generic fractional runs: the scope, the local data, its budget site, the tracer. */
interface FractionalRun {
  readonly s: TargetingScope;
  readonly l: unknown;
  readonly site: BudgetSite;
  readonly tracer: Tracer | undefined;
}

/** Generic fractional over evaluated operands; records explain details when tracing. */
function runFractional(vals: readonly unknown[], run: FractionalRun): unknown {
  const { s, l, site, tracer } = run;
  if (vals.length === 0) {
    tracer?.detail({ reason: 'no distributions' });
    return null;
  }
  const seed = chooseSeed(vals[0], s.flagKey, () => targetingKeyOf(s, l));
  if (typeof seed === 'string') {
    tracer?.detail({ reason: seed });
    return null;
  }
  site.scan(s, seed.seed);
  const parsed = parseDistributions(vals, seed.from);
  if (!parsed.ok) {
    tracer?.detail({ bucketingValue: seed.seed, seedSource: seed.source, reason: parsed.reason });
    return null;
  }
  if (tracer !== undefined) {
    const detail = describeBucketing(seed, parsed.table);
    tracer.detail(detail);
    return detail.chosen;
  }
  return parsed.table.variants[pickIndex(parsed.table, murmur3Utf8(seed.seed))];
}

/**
 * Distributions known at compile time are parsed once; only the seed is evaluated per call.
 * The seed is hashed in parts where flagd concatenates (`flagKey + targetingKey`, a two-operand
 * `cat`): same hash, and no string built per evaluation. The first part is nearly always the
 * same from one call to the next (the flag key), so its hash state is kept (`Murmur3Prefix`).
 */
function precomputed(args: readonly Arg[], site: BudgetSite): Fn | undefined {
  if (args.length === 0 || !args.every((a, i) => i === 0 || a.isConst)) return undefined;
  const first = args[0] as Arg;
  const shorthand = first.isConst && Array.isArray(first.value);
  const values = args.map((a) => a.value);
  const parsed = parseDistributions(values, shorthand ? 0 : 1);
  // Invalid constant distributions make every outcome null, whatever the seed evaluates to.
  if (!parsed.ok) return () => null;
  const table: BucketTable = parsed.table;
  const prefix = new Murmur3Prefix();
  const bucket = { table, prefix, site };
  if (shorthand) return (s, l) => implicitSeed(bucket, s, l);
  const seedFn = first.fn;
  const pair = catOperands(seedFn);
  if (pair !== undefined) return catSeed(pair, bucket);
  return (s, l) => {
    const seed = seedFn(s, l);
    if (typeof seed === 'string') {
      site.scan(s, seed);
      return table.variants[pickIndex(table, murmur3Utf8(seed))];
    }
    if (seed === null || seed === undefined) return implicitSeed(bucket, s, l);
    if (Array.isArray(seed)) {
      return runFractional([seed, ...values.slice(1)], { s, l, site, tracer: undefined });
    }
    return null;
  };
}

/**
 * The bucket for a two-operand `cat` seed, hashed in parts. `cat` always yields a string, so
 * the seed is explicit.
 */
function catSeed(
  pair: readonly [Arg, Arg],
  bucket: { table: BucketTable; prefix: Murmur3Prefix; site: BudgetSite },
): Fn {
  const [{ fn: a, read: ra }, { fn: b, read: rb }] = pair;
  const { table, prefix, site } = bucket;
  if (ra?.kind === 'flagKey' && rb?.kind === 'key') {
    // The seed flagd's documentation shows, `{"cat": [{"var": "$flagd.flagKey"}, {"var": k}]}`,
    // read without the general operand dispatch.
    return (s, l) => {
      const left = l === s ? s.flagKey : site.text(s, a(s, l));
      const v = readKey(s, l, rb);
      const right = typeof v === 'string' ? v : site.text(s, v);
      site.scan(s, right);
      return table.variants[pickIndex(table, murmur3Utf8PairCached(prefix, left, right))];
    };
  }
  return (s, l) => {
    const left = site.text(s, operand(s, l, ra, a));
    const right = site.text(s, operand(s, l, rb, b));
    site.scan(s, right);
    return table.variants[pickIndex(table, murmur3Utf8PairCached(prefix, left, right))];
  };
}

/** The bucket for the implicit seed `$flagd.flagKey + targetingKey` (null without a key). */
function implicitSeed(
  bucket: { table: BucketTable; prefix: Murmur3Prefix; site: BudgetSite },
  s: TargetingScope,
  l: unknown,
): unknown {
  const tk = targetingKeyOf(s, l);
  if (typeof tk !== 'string' || tk.length === 0) return null;
  bucket.site.scan(s, tk);
  const { table, prefix } = bucket;
  return table.variants[pickIndex(table, murmur3Utf8PairCached(prefix, s.flagKey, tk))];
}

export const fractionalOp: OperatorBuilder = (args, ctx, path) => {
  checkFractional(args, ctx, path);
  const site = new BudgetSite(ctx.limits, path);
  if (ctx.specialise) {
    const fast = precomputed(args, site);
    if (fast !== undefined) return fast;
  }
  const tracer = ctx.tracer;
  return (s, l) => runFractional(evalAll(args, s, l), { s, l, site, tracer });
};

function checkSemVer(args: readonly Arg[], ctx: BuildContext, path: RulePath): void {
  if (args.length !== 3) {
    ctx.warn(
      'SEM_VER_ARGUMENTS',
      path,
      `sem_ver takes [version, operator, version], got ${args.length} operands; flagd returns null`,
    );
    return;
  }
  const op = args[1] as Arg;
  if (isLiteral(op.raw) && !(typeof op.raw === 'string' && SEMVER_OPERATORS.has(op.raw))) {
    ctx.warn(
      'SEM_VER_OPERATOR',
      op.path,
      `unknown sem_ver operator ${JSON.stringify(op.raw)}; flagd returns null`,
    );
  }
  for (const i of [0, 2]) {
    const v = args[i] as Arg;
    if (isLiteral(v.raw) && parseSemVer(v.raw) === null) {
      ctx.warn(
        'SEM_VER_VERSION',
        v.path,
        `${JSON.stringify(v.raw)} is not a semantic version; flagd returns null`,
      );
    }
  }
}

export const semVerOp: OperatorBuilder = (args, ctx, path) => {
  checkSemVer(args, ctx, path);
  const tracer = ctx.tracer;
  const site = new BudgetSite(ctx.limits, path);
  const read = (s: TargetingScope, v: unknown): unknown => {
    if (typeof v === 'string') site.scan(s, v);
    return v;
  };
  if (args.length !== 3) {
    return (s, l) => {
      evalAll(args, s, l);
      return null;
    };
  }
  const fa = fnAt(args, 0);
  const fo = fnAt(args, 1);
  const fb = fnAt(args, 2);
  const opArg = args[1] as Arg;
  const target = args[2] as Arg;
  if (ctx.specialise && opArg.isConst && target.isConst) {
    const op = opArg.value;
    const b = parseSemVer(target.value);
    if (b === null || typeof op !== 'string' || !SEMVER_OPERATORS.has(op)) return () => null;
    const ra = (args[0] as Arg).read;
    return (s, l) => {
      const a = parseSemVerCached(read(s, operand(s, l, ra, fa)));
      return a === null ? null : applySemVer(a, op, b);
    };
  }
  return (s, l) => {
    const rawA = read(s, fa(s, l));
    const op = fo(s, l);
    const rawB = read(s, fb(s, l));
    const a = parseSemVer(rawA);
    const b = parseSemVer(rawB);
    const result = a === null || b === null ? null : applySemVer(a, op, b);
    if (tracer !== undefined) {
      const show = (v: SemVer | null) => (v === null ? null : formatSemVer(v));
      tracer.detail({ version: show(a), operator: op, target: show(b) });
    }
    return result;
  };
};

function stringCompare(name: string, test: (a: string, b: string) => boolean): OperatorBuilder {
  return (args, ctx, path) => {
    if (args.length !== 2) {
      ctx.warn(
        'STRING_COMPARE_ARGUMENTS',
        path,
        `${name} takes exactly 2 string operands; flagd returns null`,
      );
    }
    for (const a of args) {
      if (isLiteral(a.raw) && typeof a.raw !== 'string') {
        ctx.warn(
          'STRING_COMPARE_ARGUMENT',
          a.path,
          `${name} compares strings only; flagd returns null`,
        );
      }
    }
    if (args.length !== 2) {
      return (s, l) => {
        evalAll(args, s, l);
        return null;
      };
    }
    const fa = fnAt(args, 0);
    const fb = fnAt(args, 1);
    const [ra, rb] = [(args[0] as Arg).read, (args[1] as Arg).read];
    const site = new BudgetSite(ctx.limits, path);
    return (s, l) => {
      const a = operand(s, l, ra, fa);
      const b = operand(s, l, rb, fb);
      if (typeof a !== 'string' || typeof b !== 'string') return null;
      site.scan(s, b);
      return test(a, b);
    };
  };
}

export const startsWithOp = stringCompare('starts_with', (a, b) => a.startsWith(b));
export const endsWithOp = stringCompare('ends_with', (a, b) => a.endsWith(b));
