// The in-memory trail behind GET /audit is bounded (the last 100 entries by
// default), keeps generation order, and `recent(limit)` returns the newest `limit` of them.
// The log line of a large change lists at most 25 flags per kind; the entry itself keeps all.
// The trail runs on a real GenerationStore fed parsed configurations (no files needed here).
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { AuditTrail } from '../../src/audit/audit-trail.js';
import type { AuditEntry } from '@switchyard/gitops';
import { parseFlags } from '../../src/engine.js';
import { GenerationStore } from '../../src/store/generation-store.js';
import { flagsDoc } from '../helpers/harness.js';

function configuration(defaultVariant: string) {
  const result = parseFlags(flagsDoc({ a: defaultVariant }), { source: 'flags.json' });
  if (!result.configuration) throw new Error('fixture does not parse');
  return result.configuration;
}

test('keeps the newest entries up to its capacity, oldest first', async () => {
  const store = new GenerationStore({ sources: ['flags.json'] });
  const trail = new AuditTrail(store, {
    sources: [{ id: 'flags.json', path: '/nonexistent/flags.json' }],
    logger: pino({ level: 'silent' }),
    capacity: 5,
  });
  const written: AuditEntry[] = [];
  trail.subscribe((e) => written.push(e));
  const apply = (v: string) =>
    store.apply({
      sourceId: 'flags.json',
      configuration: configuration(v),
      problems: [],
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

test('the log line of a large change is truncated, the entry is not', async () => {
  const store = new GenerationStore({ sources: ['flags.json'] });
  const lines: { audit?: AuditEntry & { truncated?: boolean }; msg: string }[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const trail = new AuditTrail(store, {
    sources: [{ id: 'flags.json', path: '/nonexistent/flags.json' }],
    logger: pino({ level: 'info' }, destination),
  });
  const many = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`f${i}`, 'on']));
  const result = parseFlags(flagsDoc(many), { source: 'flags.json' });
  store.apply({
    sourceId: 'flags.json',
    configuration: result.configuration!,
    problems: [],
    warnings: [],
    eventAt: undefined,
  });
  store.start();
  await trail.close();
  expect(trail.recent()[0]!.added).toHaveLength(30);
  const [line] = lines;
  expect(line!.msg).toMatch(
    /^audit: generation 1 sha256:[0-9a-f]{12}: 30 added, 0 changed, 0 removed$/,
  );
  expect(line!.audit!.added).toHaveLength(25);
  expect(line!.audit!.truncated).toBe(true);
});
