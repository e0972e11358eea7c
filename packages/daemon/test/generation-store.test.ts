// The store keeps the current generation and a link to the one before it (to reuse unchanged
// payloads), never the whole history: a daemon publishing for weeks must not grow. Generation 1
// must be collectable once generation 3 is published.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parseFlags } from '../src/engine.js';
import { GenerationStore } from '../src/store/generation-store.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const configuration = (rev: number) =>
  parseFlags(
    JSON.stringify({
      flags: {
        a: { state: 'ENABLED', variants: { on: true }, defaultVariant: 'on', metadata: { rev } },
      },
    }),
    { mode: 'strict' },
  ).configuration!;

test('old generations are not retained (only the current one and its predecessor)', async () => {
  const store = new GenerationStore(['s'], {});
  const apply = (rev: number) =>
    store.apply({
      problems: [],
      sourceId: 's',
      configuration: configuration(rev),
      warnings: [],
      eventAt: undefined,
    });
  apply(1);
  const first = (() => {
    const g = store.start();
    g.payload({ kind: 'all' });
    return new WeakRef(g);
  })();
  for (let rev = 2; rev <= 4; rev++) {
    apply(rev);
    store.generation!.payload({ kind: 'all' }); // links to the previous generation's payload
  }
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  expect(store.generation!.number).toBe(4);
  expect(first.deref()).toBeUndefined();
});

test('not ready until the first generation is published, even with every source loaded', () => {
  // The daemon publishes generation 1 once every server listens; /readyz follows store.ready,
  // so a probe cannot see 200 while the sync port still refuses connections.
  const store = new GenerationStore(['s'], {});
  store.apply({
    problems: [],
    sourceId: 's',
    configuration: configuration(1),
    warnings: [],
    eventAt: undefined,
  });
  expect(store.ready).toBe(false);
  store.start();
  expect(store.ready).toBe(true);
});
