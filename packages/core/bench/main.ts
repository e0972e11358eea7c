// Core benchmark: evaluations per second of @switchyard/core next to @openfeature/flagd-core in
// the same process, on seeded fixtures, and next to the same engine before the evaluation budget
// (core's sources at the baseline commit, see scripts/run-ts.mjs), so the budget's cost is
// measured in the same run. Not part of `npm test`.
// Run: `pnpm --filter @switchyard/core bench` (add `-- --readme` to rewrite the README table,
// `-- --quick` for a short smoke run, `-- --only <text>` to measure only the cases whose name
// contains it).
import { execFileSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
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
/** Rounds per case; ours and the reference alternate, and the median round is reported, so one
 * GC pause or a neighbour's burst on the machine cannot decide a ratio. */
const ROUNDS = quick ? 1 : 7;
/** Warm-up: every side of every case runs this long, this many times, before any round. */
const WARMUP_MS = quick ? 20 : 100;
const WARMUP_PASSES = quick ? 1 : 3;
const BATCH = 256;
const TARGET_RATIO = 5;
const silent = { error() {}, warn() {}, info() {}, debug() {} };
const ctxs: BenchContext[] = contexts(BATCH);
let sink = 0;

type Engine = typeof core;
/** The engine before the evaluation budget, when the runner could take it from git. */
const BASELINE_MODULE = '../baseline/src/index.js';
/** The commit the runner takes that engine from (BUDGET_BASELINE in scripts/run-ts.mjs). */
const BUDGET_BASELINE = process.env.BENCH_BUDGET_BASELINE ?? 'unknown';
const baseline: Engine | undefined = await import(BASELINE_MODULE).catch(() => undefined);

function load(engine: Engine, count: number, iteration = false): FlagSnapshot {
  const parsed = engine.parseFlags(JSON.stringify(document(count, iteration)));
  if (!parsed.ok || !parsed.configuration) throw new Error('fixture rejected by parseFlags');
  return engine.createSnapshot(parsed.configuration).snapshot;
}

/** The same flags in our engine and, when present, in the engine before the budget. */
interface Loaded {
  readonly ours: FlagSnapshot;
  readonly baseline: FlagSnapshot | undefined;
}

function ours(count: number, iteration = false): Loaded {
  return {
    ours: load(core, count, iteration),
    baseline: baseline === undefined ? undefined : load(baseline, count, iteration),
  };
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
  /** ops/s of the engine before the evaluation budget (same round), when measured. */
  readonly baseline?: number;
}

/** CPU time of this process in ms (user + system, all threads). */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Calls of a side between two reads of the clock (a read costs about a microsecond). */
const CALLS_PER_READ = 8;

/**
 * Evaluations per second of `fn` (BATCH evaluations per call) over `ms` of this process's CPU
 * time. CPU time, not wall time: on a shared machine a side that is descheduled by a
 * neighbour's burst loses wall time it never ran, so wall-clock rates measured the neighbours.
 */
function throughput(fn: () => void, ms: number): number {
  const start = cpuMs();
  let calls = 0;
  let elapsed = 0;
  do {
    for (let i = 0; i < CALLS_PER_READ; i++) fn();
    calls += CALLS_PER_READ;
    elapsed = cpuMs() - start;
  } while (elapsed < ms);
  return (calls * BATCH * 1000) / elapsed;
}

interface Sides {
  readonly ours: () => void;
  readonly reference: () => void;
  readonly baseline?: (() => void) | undefined;
}

interface Case {
  readonly name: string;
  readonly sides: Sides;
}

function sidesOf(c: Case): [keyof Sides, () => void][] {
  const { ours, reference, baseline } = c.sides;
  return baseline === undefined
    ? [
        ['ours', ours],
        ['reference', reference],
      ]
    : [
        ['ours', ours],
        ['reference', reference],
        ['baseline', baseline],
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
    for (const c of cases) for (const [, fn] of sidesOf(c)) throughput(fn, WARMUP_MS);
  }
}

async function pair(c: Case): Promise<Row> {
  const rounds: Row[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    // Alternate which side runs first, so GC debt and a neighbour's burst fall on all alike.
    const order = sidesOf(c);
    if (i % 2 === 1) order.reverse();
    const r: Partial<Record<keyof Sides, number>> = {};
    for (const [side, fn] of order) r[side] = throughput(fn, TIME_MS);
    rounds.push({
      name: c.name,
      ours: r.ours!,
      reference: r.reference!,
      ...(r.baseline === undefined ? {} : { baseline: r.baseline }),
    });
    // Let pending timers and GC finalisation run between rounds.
    await new Promise((resolve) => setImmediate(resolve));
  }
  rounds.sort((a, b) => a.ours / a.reference - b.ours / b.reference);
  return rounds[Math.floor(rounds.length / 2)]!;
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

function baselineBooleans(engine: Engine, snapshot: FlagSnapshot, key: string): () => void {
  return () => {
    for (const c of ctxs) {
      const request = {
        flagKey: key,
        type: 'boolean' as const,
        defaultValue: false,
        context: c as EvaluationContext,
      };
      sink ^= engine.evaluate(snapshot, request).value ? 1 : 0;
    }
  };
}

function booleanCase(name: string, key: string, loaded: Loaded, ref: FlagdCore): Case {
  return {
    name,
    sides: {
      ours: oursBooleans(loaded.ours, key),
      reference: () => {
        for (const c of ctxs)
          sink ^= ref.resolveBooleanEvaluation(key, false, c, silent).value ? 1 : 0;
      },
      baseline:
        baseline === undefined || loaded.baseline === undefined
          ? undefined
          : baselineBooleans(baseline, loaded.baseline, key),
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
/** What the budget costs in this case: the share of throughput lost against the baseline. */
const cost = (r: Row): string =>
  r.baseline === undefined ? '–' : `${(100 * (1 - r.ours / r.baseline)).toFixed(1)}%`;
const row = (name: string, r: Row): string =>
  `| ${name} | ${fmt(r.ours)} | ${fmt(r.reference)} | ${ratio(r)} | ${r.baseline === undefined ? '–' : fmt(r.baseline)} | ${cost(r)} |`;

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
  const baseline20 = snap20.baseline;
  cases.push({
    name: 'resolve all (20 flags)',
    sides: {
      ours: () => {
        for (const c of ctxs) sink ^= core.evaluateAll(ours20, c as EvaluationContext).size;
      },
      reference: () => {
        for (const c of ctxs) sink ^= ref20.resolveAll(c, silent).length;
      },
      baseline:
        baseline === undefined || baseline20 === undefined
          ? undefined
          : () => {
              for (const c of ctxs)
                sink ^= baseline.evaluateAll(baseline20, c as EvaluationContext).size;
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
    `Evaluations per second, @switchyard/core vs @openfeature/flagd-core 4.0.1 in the same process (Node ${process.version}, ${quick ? 'quick run' : `median of ${ROUNDS} alternating rounds of ${TIME_MS} ms of CPU time per side, after every side has evaluated every case`}, ${BATCH} seeded contexts; load average ${loadBefore} before the run, ${machineLoad()} after; ${measuredCommit()}; target ≥ ${TARGET_RATIO}×). "No budget" is this engine's code before the evaluation budget (commit ${BUDGET_BASELINE}), measured in the same rounds; "budget cost" is the throughput lost against it (negative where later optimisations outweigh what the budget costs).`,
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
