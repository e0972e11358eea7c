// `npm run fuzz`: a million generated cases (see cases.ts) through the properties of
// properties.ts, in batches with a progress line each, then a summary: outcomes, shapes, the
// slowest case and the heap. Exits 1 at the first violation, printing the counterexample.
// Options: --runs N (default 1,000,000), --seed S (default: the time), --batch N (10,000).
import fc from 'fast-check';
import { type FuzzCase, fuzzCase } from './cases.js';
import { checkCase, type FuzzStats } from './properties.js';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i < 0 ? undefined : Number(process.argv[i + 1]);
  return value === undefined || !Number.isFinite(value) ? fallback : value;
}

const runs = option('runs', 1_000_000);
const batch = Math.min(option('batch', 10_000), runs);
const seed = option('seed', Date.now() % 2_147_483_647);
const outcomes: FuzzStats = new Map();
const shapes = new Map<string, { count: number; ms: number }>();
let slowest = { ms: 0, shape: '', rule: '' };

function timed(c: FuzzCase): void {
  const started = performance.now();
  checkCase(c, outcomes);
  const ms = performance.now() - started;
  const shape = shapes.get(c.shape) ?? { count: 0, ms: 0 };
  shape.count++;
  shape.ms += ms;
  shapes.set(c.shape, shape);
  if (ms > slowest.ms) slowest = { ms, shape: c.shape, rule: c.ruleText.slice(0, 120) };
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const started = performance.now();
let done = 0;
let peakHeap = 0;
process.stdout.write(`fuzz: ${fmt(runs)} cases, seed ${seed}, batches of ${fmt(batch)}\n`);
for (let b = 0; done < runs; b++) {
  const n = Math.min(batch, runs - done);
  const result = fc.check(
    fc.property(fuzzCase, (c) => timed(c)),
    { numRuns: n, seed: seed + b },
  );
  if (result.failed) {
    process.stdout.write(`\n✖ property violated in batch ${b} (seed ${seed + b}):\n`);
    process.stdout.write(`${fc.defaultReportMessage(result)}\n`);
    process.exit(1);
  }
  done += n;
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(
    `  ${fmt(done)} / ${fmt(runs)} (${((100 * done) / runs).toFixed(1)}%), ${seconds.toFixed(0)} s, ${fmt(done / seconds)} cases/s, slowest ${slowest.ms.toFixed(1)} ms (${slowest.shape})\n`,
  );
}

const seconds = (performance.now() - started) / 1000;
process.stdout.write(
  `\n✔ ${fmt(done)} cases, 0 violations, ${seconds.toFixed(0)} s (seed ${seed})\n`,
);
process.stdout.write('\nOutcomes of the typed evaluation (daemon mode):\n');
for (const [key, count] of [...outcomes].sort((a, b) => b[1] - a[1]))
  process.stdout.write(`  ${key.padEnd(34)} ${fmt(count)}\n`);
process.stdout.write('\nShapes (cases, mean ms per case: parse twice + 8 evaluations):\n');
for (const [shape, s] of [...shapes].sort((a, b) => b[1].count - a[1].count))
  process.stdout.write(
    `  ${shape.padEnd(20)} ${fmt(s.count).padStart(9)}  ${(s.ms / s.count).toFixed(2)} ms\n`,
  );
process.stdout.write(
  `\nSlowest case: ${slowest.ms.toFixed(1)} ms (${slowest.shape}) ${slowest.rule}\nPeak heap after a batch: ${(peakHeap / 1024 / 1024).toFixed(0)} MB\n`,
);
