// Core benchmark: evaluations per second of @switchyard/core next to @openfeature/flagd-core in
// the same process, on seeded fixtures, and next to a build of the same sources whose evaluation
// budget charges and checks nothing (bench/no-budget.ts, built by scripts/run-ts.mjs), so the
// budget's cost is measured in the same rounds. Not part of `npm test`.
// Run: `pnpm --filter @switchyard/core bench` (add `-- --readme` to rewrite the README table,
// `-- --quick` for a short smoke run, `-- --only <text>` to measure only the cases whose name
// contains it).
import { execFileSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { isDeepStrictEqual } from 'node:util';
import { FlagdCore } from '@openfeature/flagd-core';
import * as core from '../src/index.js';
import type { EvaluationContext, FlagSnapshot } from '../src/index.js';
import { type BenchContext, contexts, document, HOSTILE } from './fixtures.js';
import { updateReadme } from './readme.js';

const argv = process.argv.slice(2);
const args = new Set(argv);
const quick = args.has('--quick');
const only = args.has('--only') ? argv[argv.indexOf('--only') + 1] : undefined;
const TIME_MS = quick ? 150 : 500;
/** Rounds per case; the sides alternate (see sidesOf), and the median round is reported, so one
 * GC pause or a neighbour's burst on the machine cannot decide a ratio. */
const ROUNDS = quick ? 1 : 7;
/**
 * Slices per round: every side's TIME_MS in a round is cut into this many slices taken in turn,
 * so a neighbour's burst (often a second or more) falls on all sides of a round alike instead of
 * on the one that happened to run then; the budget's cost, a few percent, is otherwise lost in it.
 */
const SLICES = quick ? 1 : 5;
/** Warm-up: every side of every case runs this long, this many times, before any round. */
const WARMUP_MS = quick ? 20 : 100;
const WARMUP_PASSES = quick ? 1 : 3;
const BATCH = 256;
const TARGET_RATIO = 5;
const silent = { error() {}, warn() {}, info() {}, debug() {} };
const ctxs: BenchContext[] = contexts(BATCH);
let sink = 0;

type Engine = typeof core;
/** The same sources built without the budget's work (buildUnbudgeted in scripts/run-ts.mjs). */
const UNBUDGETED_MODULE = '../unbudgeted/src/index.js';
const unbudgeted: Engine = await import(UNBUDGETED_MODULE).catch((e: unknown) => {
  throw new Error(`${UNBUDGETED_MODULE} is missing: run the bench through scripts/run-ts.mjs`, {
    cause: e,
  });
});

function load(engine: Engine, count: number, iteration = false): FlagSnapshot {
  const parsed = engine.parseFlags(JSON.stringify(document(count, iteration)));
  if (!parsed.ok || !parsed.configuration) throw new Error('fixture rejected by parseFlags');
  return engine.createSnapshot(parsed.configuration).snapshot;
}

/** The same flags in our engine and in the build without the budget's work. */
interface Loaded {
  readonly ours: FlagSnapshot;
  readonly unbudgeted: FlagSnapshot;
}

function ours(count: number, iteration = false): Loaded {
  return { ours: load(core, count, iteration), unbudgeted: load(unbudgeted, count, iteration) };
}

/**
 * Both builds must give the same answers on every measured case (the budget never runs out on
 * these rules), or the comparison would measure a different evaluation.
 */
function assertSameAnswers(loaded: Loaded, key: string | undefined): void {
  for (const c of ctxs) {
    const context = c as EvaluationContext;
    const answers = (engine: Engine, snapshot: FlagSnapshot): unknown =>
      key === undefined
        ? [...engine.evaluateAll(snapshot, context)]
        : engine.evaluate(snapshot, {
            flagKey: key,
            type: 'boolean',
            defaultValue: false,
            context,
          });
    if (!isDeepStrictEqual(answers(core, loaded.ours), answers(unbudgeted, loaded.unbudgeted))) {
      throw new Error(`the build without the budget answers ${key ?? 'resolve all'} differently`);
    }
  }
}

function reference(count: number, iteration = false): FlagdCore {
  const flagd = new FlagdCore(undefined, silent);
  flagd.setConfigurations(JSON.stringify(document(count, iteration)));
  return flagd;
}

interface Row {
  readonly name: string;
  readonly ours: number;
  readonly reference: number;
  /** ops/s of the build without the budget's work, in the same round. */
  readonly unbudgeted: number;
  /** Share of throughput the budget costs: the median over the rounds of 1 − ours/unbudgeted. */
  readonly budgetCost: number;
}

/** CPU time of this process in ms (user + system, all threads). */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Calls of a side between two reads of the clock (a read costs about a microsecond). */
const CALLS_PER_READ = 8;

/** Calls of a side (BATCH evaluations each) and the CPU time they took. */
interface Timed {
  calls: number;
  ms: number;
}

/**
 * Runs `fn` for at least `ms` of this process's CPU time, adding to `into`. CPU time, not wall
 * time: on a shared machine a side that is descheduled by a neighbour's burst loses wall time it
 * never ran, so wall-clock rates measured the neighbours.
 */
function runFor(fn: () => void, ms: number, into: Timed = { calls: 0, ms: 0 }): Timed {
  const start = cpuMs();
  let calls = 0;
  let elapsed = 0;
  do {
    for (let i = 0; i < CALLS_PER_READ; i++) fn();
    calls += CALLS_PER_READ;
    elapsed = cpuMs() - start;
  } while (elapsed < ms);
  into.calls += calls;
  into.ms += elapsed;
  return into;
}

/** Evaluations per second. */
const rate = (t: Timed): number => (t.calls * BATCH * 1000) / t.ms;

interface Sides {
  readonly ours: () => void;
  readonly reference: () => void;
  readonly unbudgeted: () => void;
}

interface Case {
  readonly name: string;
  readonly sides: Sides;
}

/**
 * The sides in the order of slice `slice`. The reference runs first; the two builds of our engine
 * follow it in turn, so each runs right after the reference (and pays for the garbage it left)
 * in every other slice, and each runs first of the two as often as the other.
 */
function sidesOf(c: Case, slice = 0): [keyof Sides, () => void][] {
  const { ours, reference, unbudgeted } = c.sides;
  return slice % 2 === 0
    ? [
        ['reference', reference],
        ['ours', ours],
        ['unbudgeted', unbudgeted],
      ]
    : [
        ['reference', reference],
        ['unbudgeted', unbudgeted],
        ['ours', ours],
      ];
}

/**
 * Every side evaluates every case before anything is measured. V8 shares type feedback between
 * the closures of one function literal, so once a process has evaluated many different flags
 * its engine runs on polymorphic feedback — the state of a provider or daemon serving a real
 * flag set, and the state every case here is measured in. Measured one after another without
 * this, the first cases ran on feedback that had seen only themselves and each later case on
 * what the earlier ones left (the flags-loaded rows, measured last, looked slower with more
 * flags; with this warm-up they do not).
 */
function warmUp(cases: readonly Case[]): void {
  for (let pass = 0; pass < WARMUP_PASSES; pass++) {
    for (const c of cases) for (const [, fn] of sidesOf(c)) runFor(fn, WARMUP_MS);
  }
}

const median = (xs: readonly number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function pair(c: Case): Promise<Row> {
  const rounds: Omit<Row, 'budgetCost'>[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t: Record<keyof Sides, Timed> = {
      ours: { calls: 0, ms: 0 },
      reference: { calls: 0, ms: 0 },
      unbudgeted: { calls: 0, ms: 0 },
    };
    for (let k = 0; k < SLICES; k++) {
      for (const [side, fn] of sidesOf(c, i * SLICES + k)) runFor(fn, TIME_MS / SLICES, t[side]);
    }
    rounds.push({
      name: c.name,
      ours: rate(t.ours),
      reference: rate(t.reference),
      unbudgeted: rate(t.unbudgeted),
    });
    // Let pending timers and GC finalisation run between rounds.
    await new Promise((resolve) => setImmediate(resolve));
  }
  // The budget's cost is read within each round, where the two builds ran in alternate slices.
  const budgetCost = median(rounds.map((r) => 1 - r.ours / r.unbudgeted));
  rounds.sort((a, b) => a.ours / a.reference - b.ours / b.reference);
  return { ...rounds[Math.floor(rounds.length / 2)]!, budgetCost };
}

// Each side gets its own function literal, never one shared factory: closures made from one
// literal share V8's type feedback, so a shared loop would call two engines' `evaluate` from one
// polymorphic site, and measure the harness instead of the engine.
function oursBooleans(snapshot: FlagSnapshot, key: string): () => void {
  return () => {
    for (const c of ctxs) {
      const request = {
        flagKey: key,
        type: 'boolean' as const,
        defaultValue: false,
        context: c as EvaluationContext,
      };
      sink ^= core.evaluate(snapshot, request).value ? 1 : 0;
    }
  };
}

function unbudgetedBooleans(snapshot: FlagSnapshot, key: string): () => void {
  return () => {
    for (const c of ctxs) {
      const request = {
        flagKey: key,
        type: 'boolean' as const,
        defaultValue: false,
        context: c as EvaluationContext,
      };
      sink ^= unbudgeted.evaluate(snapshot, request).value ? 1 : 0;
    }
  };
}

function booleanCase(name: string, key: string, loaded: Loaded, ref: FlagdCore): Case {
  assertSameAnswers(loaded, key);
  return {
    name,
    sides: {
      ours: oursBooleans(loaded.ours, key),
      reference: () => {
        for (const c of ctxs)
          sink ^= ref.resolveBooleanEvaluation(key, false, c, silent).value ? 1 : 0;
      },
      unbudgeted: unbudgetedBooleans(loaded.unbudgeted, key),
    },
  };
}

/** Microseconds per evaluation of a hostile rule (ours only: it would exhaust the others). */
function hostile(name: string): string {
  const { rule, context } = HOSTILE[name]!;
  const flags = {
    f: {
      state: 'ENABLED',
      variants: { on: true, off: false },
      defaultVariant: 'off',
      targeting: rule,
    },
  };
  const parsed = core.parseFlags({ flags } as core.JsonValue);
  const snapshot = core.createSnapshot(parsed.configuration!).snapshot;
  const request = {
    flagKey: 'f',
    type: 'boolean' as const,
    defaultValue: false,
    context: context as EvaluationContext,
  };
  const result = core.evaluate(snapshot, request);
  const runs = quick ? 20 : 200;
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) sink ^= core.evaluate(snapshot, request).value ? 1 : 0;
  const us = ((performance.now() - t0) * 1000) / runs;
  return `| ${name} | ${us.toFixed(1)} µs | ${result.reason}/${result.errorCode} | ${result.errorMessage?.replace(/^.*failed: /, '')} |`;
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const ratio = (r: Row): string => `${(r.ours / r.reference).toFixed(1)}×`;
/** What the budget costs in this case: the share of throughput it takes. */
const cost = (r: Row): string => `${(100 * r.budgetCost).toFixed(1)}%`;
const row = (name: string, r: Row): string =>
  `| ${name} | ${fmt(r.ours)} | ${fmt(r.reference)} | ${ratio(r)} | ${fmt(r.unbudgeted)} | ${cost(r)} |`;

/** The evaluation cases (20 flags) and the flags-loaded rows, every side built. */
function buildCases(): { cases: Case[]; scale: Case[] } {
  const snap20 = ours(20);
  const ref20 = reference(20);
  const cases = [
    booleanCase('static flag', 'static-flag', snap20, ref20),
    booleanCase('targeting (if/and/==/in)', 'targeting-flag', snap20, ref20),
    booleanCase('fractional', 'fractional-flag', snap20, ref20),
    booleanCase('sem_ver', 'semver-flag', snap20, ref20),
    booleanCase(
      'iteration (some over groups)',
      'iteration-flag',
      ours(20, true),
      reference(20, true),
    ),
  ];
  // "Resolve all": one operation = all 20 flags for one context.
  const ours20 = snap20.ours;
  const unbudgeted20 = snap20.unbudgeted;
  assertSameAnswers(snap20, undefined);
  cases.push({
    name: 'resolve all (20 flags)',
    sides: {
      ours: () => {
        for (const c of ctxs) sink ^= core.evaluateAll(ours20, c as EvaluationContext).size;
      },
      reference: () => {
        for (const c of ctxs) sink ^= ref20.resolveAll(c, silent).length;
      },
      unbudgeted: () => {
        for (const c of ctxs)
          sink ^= unbudgeted.evaluateAll(unbudgeted20, c as EvaluationContext).size;
      },
    },
  });
  const scale = [10, 100, 1000, 10_000].map((count) =>
    booleanCase(
      `${count.toLocaleString('en-US')} flags loaded`,
      'targeting-flag',
      ours(count),
      reference(count),
    ),
  );
  return { cases, scale };
}

/** `--only <text>`: measure (after the same warm-up) only the cases whose name contains it. */
async function measureOnly(text: string, all: readonly Case[]): Promise<void> {
  for (const c of all.filter((x) => x.name.includes(text))) {
    const r = await pair(c);
    process.stdout.write(`${row(c.name, r)}\n`);
  }
}

/** The commit measured (`+` when the work tree differs from it), so a table names its code. */
function measuredCommit(): string {
  try {
    const git = (args: string[]): string =>
      execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = git(['status', '--porcelain', '--', '.']) === '' ? '' : '+';
    return `commit ${git(['rev-parse', '--short', 'HEAD'])}${dirty}`;
  } catch {
    return 'commit unknown';
  }
}

/** The machine's 1-minute load average against its CPUs, printed with the numbers. */
function machineLoad(): string {
  return `${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} CPUs`;
}

async function main(): Promise<void> {
  const loadBefore = machineLoad();
  const built = buildCases();
  warmUp([...built.cases, ...built.scale]);
  if (only !== undefined) return measureOnly(only, [...built.cases, ...built.scale]);
  const rows: Row[] = [];
  for (const c of built.cases) rows.push(await pair(c));
  const scale: Row[] = [];
  for (const c of built.scale) scale.push(await pair(c));

  const text = JSON.stringify(document(10_000));
  const time = (fn: () => void): number => {
    fn(); // warm-up
    const samples: number[] = [];
    for (let i = 0; i < (quick ? 3 : 7); i++) {
      const t0 = performance.now();
      fn();
      samples.push(performance.now() - t0);
    }
    return samples.sort((a, b) => a - b)[Math.floor(samples.length / 2)]!;
  };
  const loadOurs = time(() => {
    const parsed = core.parseFlags(text);
    if (!parsed.ok || !parsed.configuration) throw new Error('rejected');
    sink ^= core.createSnapshot(parsed.configuration).snapshot.size;
  });
  const loadRef = time(() => {
    sink ^= new FlagdCore(undefined, silent).setConfigurations(text).length;
  });

  const lines = [
    `Evaluations per second, @switchyard/core vs @openfeature/flagd-core 4.0.1 in the same process (Node ${process.version}, ${quick ? 'quick run' : `median of ${ROUNDS} rounds of ${TIME_MS} ms of CPU time per side taken in ${SLICES} alternating slices, after every side has evaluated every case`}, ${BATCH} seeded contexts; load average ${loadBefore} before the run, ${machineLoad()} after; ${measuredCommit()}; target ≥ ${TARGET_RATIO}×). "No budget" is the same sources built with an evaluation budget that charges and checks nothing (bench/no-budget.ts), measured in the same slices, right before or after ours; "budget cost" is the median over the rounds of the share of throughput ours loses against it in the same round (the ops/s columns are the round with the median ratio to the reference).`,
    '',
    '| case | ours (ops/s) | reference (ops/s) | ratio | no budget (ops/s) | budget cost |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows.map((r) => row(r.name, r)),
    '',
    'Targeting-rule evaluation vs number of flags loaded:',
    '',
    '| flags loaded | ours (ops/s) | reference (ops/s) | ratio | no budget (ops/s) | budget cost |',
    '|---|---:|---:|---:|---:|---:|',
    ...scale.map((r) => row(r.name.replace(' flags loaded', ''), r)),
    '',
    'Hostile rules under the evaluation budget (ours only: without a budget they take seconds and gigabytes):',
    '',
    '| rule | per evaluation | result | why |',
    '|---|---:|---|---|',
    ...Object.keys(HOSTILE).map(hostile),
    '',
    `Loading a 10,000-flag file (${(text.length / 1024 / 1024).toFixed(1)} MB, parse + validate + compile, median): ours ${loadOurs.toFixed(0)} ms, reference ${loadRef.toFixed(0)} ms (target < 500 ms).`,
  ];
  const table = lines.join('\n');
  process.stdout.write(`${table}\n`);

  const misses = [...rows, ...scale]
    .filter((r) => r.ours / r.reference < TARGET_RATIO)
    .map((r) => r.name);
  if (misses.length > 0)
    process.stdout.write(`\nBelow ${TARGET_RATIO}× the reference: ${misses.join(', ')}\n`);
  if (loadOurs >= 500) process.stdout.write(`\nLoad time over 500 ms: ${loadOurs.toFixed(0)} ms\n`);

  if (args.has('--readme')) {
    const dir = process.env.BENCH_PACKAGE_DIR;
    if (!dir) throw new Error('BENCH_PACKAGE_DIR is not set (run through scripts/run-ts.mjs)');
    updateReadme(`${dir}/README.md`, table);
    process.stdout.write(`\nUpdated ${dir}/README.md\n`);
  }
  // Publish the sink so no evaluation can be optimised away.
  (globalThis as Record<string, unknown>).__switchyardBenchSink = sink;
}

await main();
