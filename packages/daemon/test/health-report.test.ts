// The /readyz body is bounded (25 problems and 25 rule-error flags per source, then counts), and
// the readiness status follows the start-up gate: starting, then ok, degraded or unavailable.
import type { SourceProblem } from '@switchyard/sources';
import { parseFlags } from '../src/engine.js';
import { healthReport } from '../src/health/health-report.js';
import { Readiness } from '../src/health/readiness.js';
import { GenerationStore } from '../src/store/generation-store.js';

const problem = (i: number): SourceProblem => ({
  code: 'INVALID',
  entry: `dir/f${i}.json`,
  message: `dir/f${i}.json:1:1: error SYNTAX: unexpected end of input`,
  since: Date.UTC(2026, 11, 6, 8, 0, i),
});

function flags(count: number, targeting?: unknown) {
  const doc: Record<string, unknown> = {};
  for (let i = 0; i < count; i++) {
    doc[`f${i}`] = {
      state: 'ENABLED',
      variants: { on: true },
      defaultVariant: 'on',
      ...(targeting === undefined ? {} : { targeting }),
    };
  }
  return parseFlags(JSON.stringify({ flags: doc }), { mode: 'strict', targetingErrors: 'isolate' })
    .configuration!;
}

let readiness: Readiness | undefined;
afterEach(() => readiness?.close());

test('lists stop at 25 problems and 25 rule-error flags per source, and count the rest', async () => {
  const store = new GenerationStore({ sources: ['dir'] });
  readiness = new Readiness({ store, graceMs: 0 });
  store.apply({
    sourceId: 'dir',
    configuration: flags(30, { no_such_operator: [1] }),
    problems: Array.from({ length: 30 }, (_, i) => problem(i)),
    warnings: [],
    eventAt: undefined,
  });
  store.start();
  await readiness.gate;
  const report = healthReport(store, readiness);
  expect(report).toMatchObject({ status: 'degraded', ready: true, generation: 1 });
  const [source] = report.sources;
  expect(source!.problems).toHaveLength(25);
  expect(source!.problems[24]).toEqual({
    entry: 'dir/f24.json',
    code: 'INVALID',
    message: 'dir/f24.json:1:1: error SYNTAX: unexpected end of input',
    since: '2026-12-06T08:00:24.000Z',
  });
  expect(source!.moreProblems).toBe(5);
  expect(source!.ruleErrors).toEqual(Array.from({ length: 25 }, (_, i) => `f${i}`));
  expect(source!.moreRuleErrors).toBe(5);
});

test('readiness: starting until complete or the grace is over; ok, degraded or unavailable after', async () => {
  const store = new GenerationStore({ sources: ['a', 'b'] });
  readiness = new Readiness({ store, graceMs: 60_000 });
  expect(readiness.status()).toBe('starting');
  store.apply({
    sourceId: 'a',
    configuration: flags(1),
    problems: [],
    warnings: [],
    eventAt: undefined,
  });
  store.start();
  expect(readiness.status()).toBe('starting'); // b serves nothing yet, within the grace
  const lastGood = flags(2);
  store.apply({
    sourceId: 'b',
    configuration: lastGood,
    problems: [],
    warnings: [],
    eventAt: undefined,
  });
  await readiness.complete;
  expect(readiness.status()).toBe('ok');
  store.apply({
    sourceId: 'b',
    configuration: lastGood,
    problems: [problem(1)],
    warnings: [],
    eventAt: undefined,
  });
  expect(readiness.status()).toBe('degraded');
});

test('readiness: unavailable once the grace is over with nothing to serve', async () => {
  const store = new GenerationStore({ sources: ['a'] });
  readiness = new Readiness({ store, graceMs: 0 });
  store.apply({
    sourceId: 'a',
    configuration: undefined,
    problems: [problem(0)],
    warnings: [],
    eventAt: undefined,
  });
  store.start();
  await readiness.gate;
  expect(healthReport(store, readiness)).toMatchObject({
    status: 'unavailable',
    ready: false,
    generation: 0,
  });
});
