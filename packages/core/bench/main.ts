// Core benchmark (issue #3): evaluations per second of @switchyard/core next to
// @openfeature/flagd-core in the same process, on seeded fixtures. Not part of `npm test`.
// Run: `pnpm --filter @switchyard/core bench` (add `-- --readme` to rewrite the README table,
// `-- --quick` for a short smoke run).
import { FlagdCore } from '@openfeature/flagd-core';
import { Bench } from 'tinybench';
import {
  createSnapshot,
  type EvaluationContext,
  evaluate,
  evaluateAll,
  parseFlags,
} from '../src/index.js';
import type { FlagSnapshot } from '../src/index.js';
import { type BenchContext, contexts, document } from './fixtures.js';
import { updateReadme } from './readme.js';

const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');
const TIME_MS = quick ? 150 : 500;
/** Rounds per case; ours and the reference alternate, and the median round is reported, so one
 * GC pause or a neighbour's burst on the machine cannot decide a ratio. */
const ROUNDS = quick ? 1 : 7;
const BATCH = 256;
const TARGET_RATIO = 4;
const silent = { error() {}, warn() {}, info() {}, debug() {} };
const ctxs: BenchContext[] = contexts(BATCH);
let sink = 0;

function ours(count: number): FlagSnapshot {
  const parsed = parseFlags(JSON.stringify(document(count)));
  if (!parsed.ok || !parsed.configuration) throw new Error('fixture rejected by parseFlags');
  return createSnapshot(parsed.configuration).snapshot;
}

function reference(count: number): FlagdCore {
  const core = new FlagdCore(undefined, silent);
  core.setConfigurations(JSON.stringify(document(count)));
  return core;
}

interface Row {
  readonly name: string;
  readonly ours: number;
  readonly reference: number;
}

/** ops/s of `fn`, which performs BATCH evaluations per call. */
async function measure(pairs: Record<string, () => void>): Promise<Record<string, number>> {
  const bench = new Bench({ time: TIME_MS, warmupTime: quick ? 50 : 200 });
  for (const [name, fn] of Object.entries(pairs)) bench.add(name, fn);
  await bench.run();
  const out: Record<string, number> = {};
  for (const task of bench.tasks) {
    const r = task.result;
    if (r.state !== 'completed') throw new Error(`${task.name}: ${r.state}`);
    out[task.name] = r.throughput.mean * BATCH;
  }
  return out;
}

async function pair(name: string, oursFn: () => void, refFn: () => void): Promise<Row> {
  const rounds: Row[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    // Alternate which side runs first, so warm-up and GC debt fall on both alike.
    const r =
      i % 2 === 0
        ? await measure({ ours: oursFn, reference: refFn })
        : await measure({ reference: refFn, ours: oursFn });
    rounds.push({ name, ours: r.ours!, reference: r.reference! });
  }
  rounds.sort((a, b) => a.ours / a.reference - b.ours / b.reference);
  return rounds[Math.floor(rounds.length / 2)]!;
}

function booleanCase(
  name: string,
  key: string,
  snapshot: FlagSnapshot,
  ref: FlagdCore,
): Promise<Row> {
  return pair(
    name,
    () => {
      for (const c of ctxs)
        sink ^= evaluate(snapshot, {
          flagKey: key,
          type: 'boolean',
          defaultValue: false,
          context: c as EvaluationContext,
        }).value
          ? 1
          : 0;
    },
    () => {
      for (const c of ctxs)
        sink ^= ref.resolveBooleanEvaluation(key, false, c, silent).value ? 1 : 0;
    },
  );
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const ratio = (r: Row): string => `${(r.ours / r.reference).toFixed(1)}×`;

async function main(): Promise<void> {
  const rows: Row[] = [];
  const snap20 = ours(20);
  const ref20 = reference(20);
  rows.push(await booleanCase('static flag', 'static-flag', snap20, ref20));
  rows.push(await booleanCase('targeting (if/and/==/in)', 'targeting-flag', snap20, ref20));
  rows.push(await booleanCase('fractional', 'fractional-flag', snap20, ref20));
  rows.push(await booleanCase('sem_ver', 'semver-flag', snap20, ref20));
  // "Resolve all": one operation = all 20 flags for one context.
  rows.push(
    await pair(
      'resolve all (20 flags)',
      () => {
        for (const c of ctxs) sink ^= evaluateAll(snap20, c as EvaluationContext).size;
      },
      () => {
        for (const c of ctxs) sink ^= ref20.resolveAll(c, silent).length;
      },
    ),
  );

  const scale: Row[] = [];
  for (const count of [10, 100, 1000, 10_000]) {
    scale.push(
      await booleanCase(
        `${count.toLocaleString('en-US')} flags loaded`,
        'targeting-flag',
        ours(count),
        reference(count),
      ),
    );
  }

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
    const parsed = parseFlags(text);
    if (!parsed.ok || !parsed.configuration) throw new Error('rejected');
    sink ^= createSnapshot(parsed.configuration).snapshot.size;
  });
  const loadRef = time(() => {
    sink ^= new FlagdCore(undefined, silent).setConfigurations(text).length;
  });

  const lines = [
    `Evaluations per second, @switchyard/core vs @openfeature/flagd-core 4.0.1 in the same process (Node ${process.version}, ${quick ? 'quick run' : `median of ${ROUNDS} alternating rounds of ${TIME_MS} ms per side`}, ${BATCH} seeded contexts; target ≥ ${TARGET_RATIO}×).`,
    '',
    '| case | ours (ops/s) | reference (ops/s) | ratio |',
    '|---|---:|---:|---:|',
    ...rows.map((r) => `| ${r.name} | ${fmt(r.ours)} | ${fmt(r.reference)} | ${ratio(r)} |`),
    '',
    'Targeting-rule evaluation vs number of flags loaded:',
    '',
    '| flags loaded | ours (ops/s) | reference (ops/s) | ratio |',
    '|---|---:|---:|---:|',
    ...scale.map(
      (r) =>
        `| ${r.name.replace(' flags loaded', '')} | ${fmt(r.ours)} | ${fmt(r.reference)} | ${ratio(r)} |`,
    ),
    '',
    `Loading a 10,000-flag file (${(text.length / 1024 / 1024).toFixed(1)} MB, parse + validate + compile, median): ours ${loadOurs.toFixed(0)} ms, reference ${loadRef.toFixed(0)} ms (target < 500 ms).`,
  ];
  const table = lines.join('\n');
  process.stdout.write(`${table}\n`);

  const misses = rows.filter((r) => r.ours / r.reference < TARGET_RATIO).map((r) => r.name);
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
