// Every published generation becomes one audit entry (generation, time, sources,
// content hash, added/changed/removed flags summarised before/after); an edit that fails
// validation publishes nothing and so leaves no entry; GET /audit serves the recent entries; the
// --audit-log file holds the same entries as JSON lines and is appended to, never truncated.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditEntry } from '@switchyard/gitops';
import { atomicWrite, flagsDoc, isProblem, startTestDaemon, tempDir } from '../helpers/harness.js';
import type { TestDaemon } from '../helpers/harness.js';
import { entryFor, payloadHash } from './helpers.js';

let t: TestDaemon | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const bool = (defaultVariant: string) => ({
  state: 'ENABLED',
  defaultVariant,
  variants: ['on', 'off'],
  targeting: false,
});
const colours = { red: 'red', blue: 'blue' };

const V1 = flagsDoc({
  a: 'on',
  b: { variants: colours, defaultVariant: 'red' },
  c: 'off',
});
const V2 = flagsDoc({
  a: 'off', // default changed
  b: {
    variants: { ...colours, green: 'green' },
    defaultVariant: 'red',
    targeting: { if: [{ '==': [{ var: 'tier' }, 'gold'] }, 'green', null] },
  },
  // c removed
  d: { state: 'DISABLED', defaultVariant: 'on' },
});
const INVALID = flagsDoc({ a: 'missing-variant', b: { variants: colours, defaultVariant: 'red' } });
const V3 = flagsDoc({
  a: { defaultVariant: 'off', metadata: { owner: 'team-a' } }, // metadata only
  b: {
    variants: { ...colours, green: 'green' },
    defaultVariant: 'red',
    targeting: { if: [{ '==': [{ var: 'tier' }, 'gold'] }, 'green', null] },
  },
  d: { state: 'DISABLED', defaultVariant: 'on' },
});

describe('audit trail', () => {
  test('a sequence of edits: one exact entry per generation, none for an invalid edit', async () => {
    const dir = tempDir();
    const logDir = tempDir();
    const auditLog = join(logDir, 'audit.jsonl');
    writeFileSync(join(dir, 'flags.json'), V1);
    const started = Date.now();
    t = await startTestDaemon({ dir, sources: ['file:flags.json'], auditLog });
    const file = join(dir, 'flags.json');

    const e1 = await entryFor(t.daemon, 1);
    expect(e1).toEqual({
      generation: 1,
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      sources: ['flags.json'],
      hash: payloadHash(t.generations[0]!),
      flags: 3,
      added: [
        { key: 'a', source: 'flags.json', after: bool('on') },
        {
          key: 'b',
          source: 'flags.json',
          after: {
            state: 'ENABLED',
            defaultVariant: 'red',
            variants: ['red', 'blue'],
            targeting: false,
          },
        },
        { key: 'c', source: 'flags.json', after: bool('off') },
      ],
      changed: [],
      removed: [],
      git: [],
    });
    const time = Date.parse(e1.time);
    expect(time).toBeGreaterThanOrEqual(started - 5);
    expect(time).toBeLessThanOrEqual(Date.now());

    atomicWrite(file, V2);
    const e2 = await entryFor(t.daemon, 2);
    expect(e2).toEqual({
      generation: 2,
      time: expect.any(String),
      sources: ['flags.json'],
      hash: payloadHash(t.generations[1]!),
      flags: 3,
      added: [
        {
          key: 'd',
          source: 'flags.json',
          after: {
            state: 'DISABLED',
            defaultVariant: 'on',
            variants: ['on', 'off'],
            targeting: false,
          },
        },
      ],
      changed: [
        {
          key: 'a',
          source: 'flags.json',
          before: bool('on'),
          after: bool('off'),
          fields: ['defaultVariant'],
        },
        {
          key: 'b',
          source: 'flags.json',
          before: {
            state: 'ENABLED',
            defaultVariant: 'red',
            variants: ['red', 'blue'],
            targeting: false,
          },
          after: {
            state: 'ENABLED',
            defaultVariant: 'red',
            variants: ['red', 'blue', 'green'],
            targeting: true,
          },
          fields: ['variants', 'targeting'],
        },
      ],
      removed: [{ key: 'c', source: 'flags.json', before: bool('off') }],
      git: [],
    });
    expect(e2.hash).not.toBe(e1.hash);

    // Fails validation (a default variant that does not exist): a problem, no generation.
    const problems = t.events.length;
    atomicWrite(file, INVALID);
    expect((await t.waitFor(isProblem, problems)).problem.code).toBe('INVALID');
    expect(t.generations).toHaveLength(2);
    expect(t.daemon.audit.recent().map((e) => e.generation)).toEqual([1, 2]);

    atomicWrite(file, V3);
    const e3 = await entryFor(t.daemon, 3);
    expect(e3).toMatchObject({
      generation: 3,
      hash: payloadHash(t.generations[2]!),
      added: [],
      removed: [],
      changed: [{ key: 'a', before: bool('off'), after: bool('off'), fields: ['metadata'] }],
    });
    expect(t.daemon.audit.recent().map((e) => e.generation)).toEqual([1, 2, 3]);

    // The structured log carries the same entries.
    const logged = t.logs.filter((l) => l.audit !== undefined).map((l) => l.audit);
    expect(logged).toEqual(JSON.parse(JSON.stringify([e1, e2, e3])));

    // The file: one JSON line per entry, in generation order, written before the entry is
    // announced, and flushed by close().
    const recent = t.daemon.audit.recent();
    await t.close();
    t = undefined;
    const lines = readFileSync(auditLog, 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((l) => JSON.parse(l) as AuditEntry)).toEqual(
      JSON.parse(JSON.stringify(recent)),
    );
  });

  test('the audit log is appended to across restarts, never truncated', async () => {
    const dir = tempDir();
    const auditLog = join(tempDir(), 'audit.jsonl');
    writeFileSync(auditLog, '{"earlier":true}\n');
    writeFileSync(join(dir, 'flags.json'), flagsDoc({ a: 'on' }));
    for (let run = 0; run < 2; run++) {
      t = await startTestDaemon({ dir, sources: ['file:flags.json'], auditLog });
      await entryFor(t.daemon, 1);
      await t.close();
      t = undefined;
    }
    const lines = readFileSync(auditLog, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.earlier ?? l.generation)).toEqual([true, 1, 1]);
  });

  test('GET /audit returns the recent entries as JSON; ?limit=N the last N', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'flags.json'), flagsDoc({ a: 'on' }));
    t = await startTestDaemon({ dir, sources: ['file:flags.json'] });
    atomicWrite(join(dir, 'flags.json'), flagsDoc({ a: 'off' }));
    await entryFor(t.daemon, 2);
    const base = `http://127.0.0.1:${t.daemon.ports.management}`;

    const all = await fetch(`${base}/audit`);
    expect(all.status).toBe(200);
    expect(all.headers.get('content-type')).toBe('application/json');
    const body = (await all.json()) as { entries: AuditEntry[] };
    expect(body.entries).toEqual(JSON.parse(JSON.stringify(t.daemon.audit.recent())));
    expect(body.entries.map((e) => e.generation)).toEqual([1, 2]);

    const last = (await (await fetch(`${base}/audit?limit=1`)).json()) as { entries: AuditEntry[] };
    expect(last.entries.map((e) => [e.generation, e.changed.map((c) => c.key)])).toEqual([
      [2, ['a']],
    ]);
    expect(
      ((await (await fetch(`${base}/audit?limit=0`)).json()) as { entries: [] }).entries,
    ).toEqual([]);
    expect((await fetch(`${base}/audit?limit=-1`)).status).toBe(400);
    expect((await fetch(`${base}/audit?limit=abc`)).status).toBe(400);
  });

  test('an audit log that cannot be opened fails the start with a StartupError', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'flags.json'), flagsDoc({ a: 'on' }));
    await expect(
      startTestDaemon({
        dir,
        sources: ['file:flags.json'],
        auditLog: join(dir, 'no-such-dir', 'audit.jsonl'),
      }),
    ).rejects.toThrow(/STARTUP: cannot open the audit log .*no-such-dir/);
  });
});
