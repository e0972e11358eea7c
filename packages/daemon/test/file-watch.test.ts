// Every write pattern becomes exactly ONE generation holding the final content,
// published within milliseconds. Each test ends with a sentinel save in the same source: since
// the source handles events in order, any intermediate or duplicate generation of the pattern
// would appear before the sentinel's, so `generations` is the exact sequence.
import {
  mkdirSync,
  openSync,
  closeSync,
  renameSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { atomicWrite, flagsDoc, isProblem, startTestDaemon, tempDir } from './helpers/harness.js';
import type { TestDaemon } from './helpers/harness.js';

let t: TestDaemon | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const defaults = (g: {
  flags: readonly { flag: { key: string; defaultVariant: string | undefined } }[];
}) => Object.fromEntries(g.flags.map((m) => [m.flag.key, m.flag.defaultVariant]));

async function sentinel(path: string): Promise<void> {
  const next = t!.nextGeneration();
  atomicWrite(path, flagsDoc({ sentinel: 'on' }));
  const g = await next;
  expect(defaults(g)).toMatchObject({ sentinel: 'on' });
}

function expectNoProblems(): void {
  expect(t!.events.filter(isProblem)).toEqual([]);
  expect(t!.logs.filter((l) => (l.level as number) >= 50)).toEqual([]);
}

describe('file source write patterns', () => {
  test('in-place write: one generation with the new content', async () => {
    const dir = tempDir();
    const file = join(dir, 'flags.json');
    writeFileSync(file, flagsDoc({ a: 'on' }));
    t = await startTestDaemon({ dir, sources: [`file:${file}`] });
    const next = t.nextGeneration();
    writeFileSync(file, flagsDoc({ a: 'off' }));
    const g = await next;
    expect(g.number).toBe(2);
    expect(g.changes).toEqual({ added: [], changed: ['a'], removed: [] });
    await sentinel(file);
    expect(t.generations.map((x) => [x.number, defaults(x)])).toEqual([
      [1, { a: 'on' }],
      [2, { a: 'off' }],
      [3, { sentinel: 'on' }],
    ]);
    expectNoProblems();
  });

  test('editor atomic save (temp file + rename): one generation', async () => {
    const dir = tempDir();
    const file = join(dir, 'flags.json');
    writeFileSync(file, flagsDoc({ a: 'on' }));
    t = await startTestDaemon({ dir, sources: [`file:${file}`] });
    const next = t.nextGeneration();
    writeFileSync(join(dir, '.flags.json.swp'), flagsDoc({ a: 'off', b: 'on' }));
    renameSync(join(dir, '.flags.json.swp'), file);
    const g = await next;
    expect(g.changes).toEqual({ added: ['b'], changed: ['a'], removed: [] });
    await sentinel(file);
    expect(t.generations.map((x) => defaults(x))).toEqual([
      { a: 'on' },
      { a: 'off', b: 'on' },
      { sentinel: 'on' },
    ]);
    expectNoProblems();
  });

  test('vim-style save (rename original away, write new, delete backup): one generation', async () => {
    const dir = tempDir();
    const file = join(dir, 'flags.yaml');
    writeFileSync(
      file,
      'flags:\n  a: {state: ENABLED, variants: {on: true, off: false}, defaultVariant: "on"}\n',
    );
    t = await startTestDaemon({ dir, sources: [`file:${file}`] });
    const next = t.nextGeneration();
    renameSync(file, `${file}~`);
    writeFileSync(
      file,
      'flags:\n  a: {state: ENABLED, variants: {on: true, off: false}, defaultVariant: "off"}\n',
    );
    unlinkSync(`${file}~`);
    const g = await next;
    expect(defaults(g)).toEqual({ a: 'off' });
    await sentinel(file);
    expect(t.generations.map((x) => x.number)).toEqual([1, 2, 3]);
    expectNoProblems();
  });

  test('git checkout of many files in a directory: one generation for the whole burst', async () => {
    const dir = tempDir();
    const files = Array.from({ length: 30 }, (_, i) => `team-${String(i).padStart(2, '0')}.json`);
    for (const [i, name] of files.entries())
      writeFileSync(join(dir, name), flagsDoc({ [`flag-${i}`]: 'on' }));
    t = await startTestDaemon({ dir, sources: [`file:${dir}`] });
    const next = t.nextGeneration();
    // git replaces each file (unlink + create) and adds and removes some, as fast as it can.
    for (const [i, name] of files.entries()) {
      unlinkSync(join(dir, name));
      if (i % 10 !== 9) writeFileSync(join(dir, name), flagsDoc({ [`flag-${i}`]: 'off' }));
    }
    writeFileSync(join(dir, 'new.json'), flagsDoc({ added: 'on' }));
    const g = await next;
    expect(g.changes.changed).toHaveLength(27);
    expect([...g.changes.removed].sort()).toEqual(['flag-19', 'flag-29', 'flag-9']);
    expect(g.changes.added).toEqual(['added']);
    await sentinel(join(dir, 'zz-sentinel.json'));
    expect(t.generations.map((x) => x.number)).toEqual([1, 2, 3]);
    expectNoProblems();
  });

  test('Kubernetes ConfigMap update (..data symlink swap): one generation', async () => {
    const dir = tempDir();
    // The kubelet's layout: real files in a timestamped dir, `..data` → it, `flags.json` → ..data/flags.json.
    mkdirSync(join(dir, '..2024_01_01_00_00_00.1'));
    writeFileSync(join(dir, '..2024_01_01_00_00_00.1', 'flags.json'), flagsDoc({ a: 'on' }));
    symlinkSync('..2024_01_01_00_00_00.1', join(dir, '..data'));
    symlinkSync('..data/flags.json', join(dir, 'flags.json'));
    t = await startTestDaemon({ dir, sources: [`file:${join(dir, 'flags.json')}`] });
    const next = t.nextGeneration();
    mkdirSync(join(dir, '..2024_01_01_00_01_00.2'));
    writeFileSync(join(dir, '..2024_01_01_00_01_00.2', 'flags.json'), flagsDoc({ a: 'off' }));
    symlinkSync('..2024_01_01_00_01_00.2', join(dir, '..data_tmp'));
    renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
    rmSync(join(dir, '..2024_01_01_00_00_00.1'), { recursive: true });
    const g = await next;
    expect(defaults(g)).toEqual({ a: 'off' });
    // The sentinel goes through another swap too.
    mkdirSync(join(dir, '..3'));
    writeFileSync(join(dir, '..3', 'flags.json'), flagsDoc({ sentinel: 'on' }));
    symlinkSync('..3', join(dir, '..data_tmp'));
    const last = t.nextGeneration();
    renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
    expect(defaults(await last)).toEqual({ sentinel: 'on' });
    expect(t.generations.map((x) => x.number)).toEqual([1, 2, 3]);
    expectNoProblems();
  });

  test('Kubernetes ConfigMap mounted as a directory source: one generation per swap', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, '..v1'));
    writeFileSync(join(dir, '..v1', 'a.json'), flagsDoc({ a: 'on' }));
    writeFileSync(
      join(dir, '..v1', 'b.yaml'),
      'flags:\n  b: {variants: {on: true}, defaultVariant: "on"}\n',
    );
    symlinkSync('..v1', join(dir, '..data'));
    symlinkSync('..data/a.json', join(dir, 'a.json'));
    symlinkSync('..data/b.yaml', join(dir, 'b.yaml'));
    t = await startTestDaemon({ dir, sources: [`file:${dir}`] });
    expect(Object.keys(defaults(t.generations[0]!)).sort()).toEqual(['a', 'b']);
    const next = t.nextGeneration();
    mkdirSync(join(dir, '..v2'));
    writeFileSync(join(dir, '..v2', 'a.json'), flagsDoc({ a: 'off' }));
    writeFileSync(
      join(dir, '..v2', 'b.yaml'),
      'flags:\n  b: {variants: {on: true, off: false}, defaultVariant: "off"}\n',
    );
    symlinkSync('..v2', join(dir, '..data_tmp'));
    renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
    rmSync(join(dir, '..v1'), { recursive: true });
    const g = await next;
    expect([...g.changes.changed].sort()).toEqual(['a', 'b']);
    await sentinel(join(dir, 'zz.json'));
    expect(t.generations.map((x) => x.number)).toEqual([1, 2, 3]);
    expectNoProblems();
  });

  test('delete then recreate: one generation, no error, flags never dropped', async () => {
    const dir = tempDir();
    const file = join(dir, 'flags.json');
    writeFileSync(file, flagsDoc({ a: 'on' }));
    t = await startTestDaemon({ dir, sources: [`file:${file}`] });
    const next = t.nextGeneration();
    unlinkSync(file);
    // Let the daemon see the file gone before it comes back (flagd #1876).
    await t.waitForTrace((x) => x.startsWith('settling') && x.includes('no such file'));
    expect(t.daemon.generation()!.flags).toHaveLength(1);
    writeFileSync(file, flagsDoc({ a: 'off' }));
    expect(defaults(await next)).toEqual({ a: 'off' });
    await sentinel(file);
    expect(t.generations.map((x) => x.number)).toEqual([1, 2, 3]);
    expectNoProblems();
  });

  test('partial write (a writer pauses mid-file): the truncated state is never published or reported', async () => {
    const dir = tempDir();
    const file = join(dir, 'flags.json');
    writeFileSync(file, flagsDoc({ a: 'on' }));
    t = await startTestDaemon({ dir, sources: [`file:${file}`] });
    const next = t.nextGeneration();
    const text = flagsDoc({ a: 'off', b: 'on', c: 'off' });
    const fd = openSync(file, 'w');
    writeSync(fd, text.slice(0, 40));
    // The daemon reads the half-written file and holds it back as unsettled...
    await t.waitForTrace((x) => x.startsWith('settling'));
    writeSync(fd, text.slice(40));
    closeSync(fd);
    // ...and publishes only the complete file.
    expect(defaults(await next)).toEqual({ a: 'off', b: 'on', c: 'off' });
    await sentinel(file);
    expect(t.generations.map((x) => x.number)).toEqual([1, 2, 3]);
    expectNoProblems();
  });

  test('a YAML file written in two chunks: the valid first half is never published', async () => {
    // A JSON file is read on the next turn after an event (each of its prefixes is invalid); a
    // YAML file cut after a complete line is valid YAML with fewer flags, so YAML waits the
    // quiet period (300 ms here) like a directory does.
    const dir = tempDir();
    const file = join(dir, 'flags.yaml');
    const flag = (key: string, variant: string) =>
      `  ${key}:\n    state: ENABLED\n    variants: { on: true, off: false }\n    defaultVariant: ${variant}\n`;
    writeFileSync(file, `flags:\n${flag('a', 'on')}`);
    t = await startTestDaemon({ dir, sources: [`file:${file}`], watch: { quietMs: 300 } });
    const next = t.nextGeneration();
    const fd = openSync(file, 'w');
    writeSync(fd, `flags:\n${flag('a', 'off')}`);
    await t.waitForTrace((x) => x.startsWith('event'));
    // Two more turns: a read scheduled for the next turn would have happened by now.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    writeSync(fd, flag('b', 'on'));
    closeSync(fd);
    expect(defaults(await next)).toEqual({ a: 'off', b: 'on' });
    await sentinel(file);
    expect(t.generations.map((x) => x.number)).toEqual([1, 2, 3]);
    expectNoProblems();
  });

  test('rewriting identical content publishes nothing', async () => {
    const dir = tempDir();
    const file = join(dir, 'flags.json');
    writeFileSync(file, flagsDoc({ a: 'on' }));
    t = await startTestDaemon({ dir, sources: [`file:${file}`] });
    atomicWrite(file, flagsDoc({ a: 'on' }));
    await t.waitForTrace((x) => x.startsWith('read ok'));
    await sentinel(file);
    expect(t.generations.map((x) => x.number)).toEqual([1, 2]);
  });

  test('a publish follows the last write within milliseconds (event-to-publish latency)', async () => {
    const dir = tempDir();
    const file = join(dir, 'flags.json');
    writeFileSync(file, flagsDoc({ a: 'on' }));
    t = await startTestDaemon({ dir, sources: [`file:${file}`] });
    // The source re-reads once after arming its first watches; a write before that read would
    // be found by the read instead of an event, and a publish without an event has no latency.
    if (!t.traces.some((x) => x.startsWith('idle')))
      await t.waitForTrace((x) => x.startsWith('idle'));
    const next = t.nextGeneration();
    const start = performance.now();
    atomicWrite(file, flagsDoc({ a: 'off' }));
    const g = await next;
    // Generous bound for a loaded 2-core CI box; the benchmark reports the real numbers.
    expect(g.publishedAt - start).toBeLessThan(250);
    expect(g.eventAt).toBeDefined();
    expect(await t.metrics()).toMatch(/switchyard_publish_latency_seconds_count 1/);
  });
});
