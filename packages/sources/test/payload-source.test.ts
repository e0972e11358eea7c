// The payload source: a feed of whole documents (a sync stream, an inline configuration)
// answered through the seam — parsed with the consumer's options, the last good kept, the rest
// reported as problems.
import type { PayloadSink, SourceUpdate } from '../src/index.js';
import { createPayloadSource } from '../src/index.js';
import { flagsDoc, served } from './support/harness.js';

function feedSource() {
  let sink: PayloadSink | undefined;
  let closed = false;
  const updates: SourceUpdate[] = [];
  const source = createPayloadSource(
    {
      description: 'sync test',
      start: (s) => {
        sink = s;
        s.payload({ configuration: flagsDoc({ a: 'on' }), syncContext: { v: 1 } });
      },
      close: () => {
        closed = true;
      },
    },
    { id: 'test', parse: { mode: 'isolating' }, format: 'json' },
  );
  return { source, updates, sink: () => sink!, closed: () => closed };
}

test('keeps the last good configuration through invalid payloads and outages', async () => {
  const f = feedSource();
  await f.source.start((u) => f.updates.push(u));
  expect(served(f.updates[0]!)).toEqual({ a: 'on' });
  expect(f.updates[0]!.syncContext).toEqual({ v: 1 });
  const rejected = f.sink().payload({ configuration: '{"flags": ' });
  expect(rejected?.message).toMatch(/^CONFIGURATION_INVALID: /);
  f.sink().unavailable('stream ended with UNAVAILABLE');
  expect(f.updates.slice(1).map((u) => [served(u), u.problems.map((p) => p.code)])).toEqual([
    [{ a: 'on' }, ['INVALID']],
    [{ a: 'on' }, ['INVALID', 'UNAVAILABLE']],
  ]);
  // A good payload clears both; the same content keeps the same configuration object.
  const before = f.updates[0]!.configuration;
  expect(f.sink().payload({ configuration: flagsDoc({ a: 'on' }) })).toBeUndefined();
  const last = f.updates.at(-1)!;
  expect(last.problems).toEqual([]);
  expect(last.configuration).toBe(before);
  await f.source.close();
  expect(f.closed()).toBe(true);
});

test('a fatal feed is reported as FATAL; nothing is reported after close', async () => {
  const f = feedSource();
  await f.source.start((u) => f.updates.push(u));
  f.sink().fatal('fatal status UNAUTHENTICATED');
  expect(f.updates.at(-1)!.problems).toMatchObject([
    { code: 'FATAL', entry: 'sync test', message: 'fatal status UNAUTHENTICATED' },
  ]);
  await f.source.close();
  const count = f.updates.length;
  f.sink().payload({ configuration: flagsDoc({ b: 'on' }) });
  expect(f.updates).toHaveLength(count);
});
