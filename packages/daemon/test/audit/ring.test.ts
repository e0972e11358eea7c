// Issue 7 item 4: the in-memory trail behind GET /audit is bounded (the last 100 entries by
// default), keeps generation order, and `recent(limit)` returns the newest `limit` of them.
// The trail runs on a real GenerationStore fed parsed configurations (no files needed here).
import { pino } from 'pino';
import { AuditTrail } from '../../src/audit/audit-trail.js';
import type { AuditEntry } from '../../src/audit/types.js';
import { parseFlags } from '../../src/engine.js';
import { GenerationStore } from '../../src/store/generation-store.js';
import { flagsDoc } from '../helpers/harness.js';

function configuration(defaultVariant: string) {
  const result = parseFlags(flagsDoc({ a: defaultVariant }), { source: 'flags.json' });
  if (!result.configuration) throw new Error('fixture does not parse');
  return result.configuration;
}

test('keeps the newest entries up to its capacity, oldest first', async () => {
  const store = new GenerationStore(['flags.json'], {});
  const trail = new AuditTrail(store, {
    sources: [{ id: 'flags.json', path: '/nonexistent/flags.json' }],
    logger: pino({ level: 'silent' }),
    capacity: 5,
  });
  const written: AuditEntry[] = [];
  trail.subscribe((e) => written.push(e));
  const apply = (v: string) =>
    store.apply({
      kind: 'configuration',
      sourceId: 'flags.json',
      configuration: configuration(v),
      warnings: [],
      eventAt: undefined,
    });
  apply('on');
  store.start();
  for (let i = 0; i < 7; i++) apply(i % 2 === 0 ? 'off' : 'on');
  await trail.close(); // writes every pending entry
  expect(written.map((e) => e.generation)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  expect(trail.recent().map((e) => e.generation)).toEqual([4, 5, 6, 7, 8]);
  expect(trail.recent(2).map((e) => e.generation)).toEqual([7, 8]);
  expect(trail.recent(0)).toEqual([]);
  expect(written[1]!.changed).toEqual([
    expect.objectContaining({ key: 'a', fields: ['defaultVariant'] }),
  ]);
});
