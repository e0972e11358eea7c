// The audit trail works off the delivery path (README "Numbers", 100 streams): an entry is built
// only `delayMs` after the last generation, so comparing flags, hashing and git never run between
// the event-loop turns of a delivery in progress. A burst of generations is coalesced and still
// written one entry per generation, in generation order; close() writes what is still waiting.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { AuditTrail } from '../../src/audit/audit-trail.js';
import { execGit } from '@switchyard/gitops';
import type { AuditEntry } from '@switchyard/gitops';
import { parseFlags } from '../../src/engine.js';
import { GenerationStore } from '../../src/store/generation-store.js';
import { flagsDoc, tempDir } from '../helpers/harness.js';

function configuration(defaultVariant: string) {
  const result = parseFlags(flagsDoc({ a: defaultVariant }), { source: 'flags.json' });
  if (!result.configuration) throw new Error('fixture does not parse');
  return result.configuration;
}

function setup(delayMs: number) {
  const file = join(tempDir(), 'flags.json'); // outside any work tree
  writeFileSync(file, flagsDoc({ a: 'on' }));
  const store = new GenerationStore({ sources: ['flags.json'] });
  const gitAt: number[] = [];
  const trail = new AuditTrail(store, {
    sources: [{ id: 'flags.json', path: file }],
    logger: pino({ level: 'silent' }),
    delayMs,
    git: (cwd, args) => {
      gitAt.push(performance.now());
      return execGit(cwd, args);
    },
  });
  const published: number[] = [];
  store.subscribe((e) => e.type === 'generation' && published.push(performance.now()), {
    transport: true,
  });
  const written: { entry: AuditEntry; at: number }[] = [];
  trail.subscribe((entry) => written.push({ entry, at: performance.now() }));
  const apply = (v: string) =>
    store.apply({
      sourceId: 'flags.json',
      configuration: configuration(v),
      problems: [],
      warnings: [],
      eventAt: undefined,
    });
  const entry = (generation: number) =>
    new Promise<void>((resolve) => {
      if (written.some((w) => w.entry.generation === generation)) resolve();
      const off = trail.subscribe((e) => {
        if (e.generation === generation) {
          off();
          resolve();
        }
      });
    });
  return { store, trail, gitAt, published, written, apply, entry };
}

test('entries are built after the quiet time, a burst coalesced, in generation order', async () => {
  const delayMs = 40;
  const { store, trail, gitAt, published, written, apply, entry } = setup(delayMs);
  apply('on');
  store.start();
  for (let i = 0; i < 4; i++) apply(i % 2 === 0 ? 'off' : 'on');
  expect(published).toHaveLength(5);
  await entry(5);
  const last = published.at(-1)!;
  // Timers may fire up to 1 ms early by the monotonic clock.
  expect(gitAt[0]! - last).toBeGreaterThanOrEqual(delayMs - 1);
  expect(written[0]!.at - last).toBeGreaterThanOrEqual(delayMs - 1);
  expect(written.map((w) => w.entry.generation)).toEqual([1, 2, 3, 4, 5]);
  expect(written.map((w) => w.entry.changed.map((c) => c.fields))).toEqual([
    [],
    [['defaultVariant']],
    [['defaultVariant']],
    [['defaultVariant']],
    [['defaultVariant']],
  ]);

  // A later generation: its own entry after its own quiet time, and no more git outside a
  // work tree.
  apply('off');
  await entry(6);
  expect(written.at(-1)!.at - published.at(-1)!).toBeGreaterThanOrEqual(delayMs - 1);
  expect(written.map((w) => w.entry.generation)).toEqual([1, 2, 3, 4, 5, 6]);
  expect(gitAt).toHaveLength(1);
  await trail.close();
});

test('close() writes the entries still waiting for the quiet time, in order', async () => {
  const { store, trail, written, apply } = setup(60_000);
  apply('on');
  store.start();
  apply('off');
  apply('on');
  await trail.close();
  expect(written.map((w) => w.entry.generation)).toEqual([1, 2, 3]);
});
