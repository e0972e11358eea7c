// A directory source: each file keeps its own last good flags; a file gone from the directory
// is removed only once it stayed away for the deletion quiet period, so git's delete-and-
// recreate never drops a flag; and a dangling link is a reported problem, not a reason to spin.
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SourceUpdate } from '../src/index.js';
import type { Watched } from './support/harness.js';
import {
  atomicWrite,
  cleanup,
  flagsDoc,
  problemCodes,
  served,
  tempDir,
  watchSource,
} from './support/harness.js';

let dir: string;
let w: Watched | undefined;
beforeEach(() => {
  dir = tempDir();
});
afterEach(async () => {
  await w?.close();
  w = undefined;
  cleanup(dir);
});

const summary = (u: SourceUpdate) => ({ served: served(u), problems: problemCodes(u) });

async function sentinel(): Promise<void> {
  const next = w!.update((u) => served(u)?.sentinel === 'on');
  atomicWrite(join(dir, 'zz-sentinel.json'), flagsDoc({ sentinel: 'on' }));
  await next;
}

test('start-up with one invalid file of three serves the other two and reports the third', async () => {
  writeFileSync(join(dir, 'a.json'), flagsDoc({ a: 'on' }));
  writeFileSync(join(dir, 'b.json'), '{"flags": {"b": ');
  writeFileSync(join(dir, 'c.yaml'), 'flags:\n  c: {variants: {on: true}, defaultVariant: "on"}\n');
  w = await watchSource(dir);
  expect(w.updates).toHaveLength(1);
  expect(summary(w.updates[0]!)).toEqual({
    served: { a: 'on', c: 'on' },
    problems: [`INVALID ${join(dir, 'b.json')}`],
  });
  expect(w.updates[0]!.problems[0]!.message).toMatch(/b\.json:1:\d+: error/);
  // Fixing it serves it and clears the problem.
  const next = w.next();
  atomicWrite(join(dir, 'b.json'), flagsDoc({ b: 'on' }));
  expect(summary(await next)).toEqual({ served: { a: 'on', b: 'on', c: 'on' }, problems: [] });
});

test('a directory whose every file is invalid has served nothing yet; an empty one serves no flags', async () => {
  writeFileSync(join(dir, 'a.json'), 'not json');
  w = await watchSource(dir);
  expect(summary(w.updates[0]!)).toEqual({
    served: undefined,
    problems: [`INVALID ${join(dir, 'a.json')}`],
  });
  await w.close();
  const empty = join(dir, 'empty');
  mkdirSync(empty);
  w = await watchSource(empty);
  expect(summary(w.updates[0]!)).toEqual({ served: {}, problems: [] });
});

test('one bad file keeps its last good flags while the others are edited', async () => {
  writeFileSync(join(dir, 'a.json'), flagsDoc({ a: 'on' }));
  writeFileSync(join(dir, 'b.json'), flagsDoc({ b: 'on' }));
  w = await watchSource(dir, { settleMs: 10 });
  const reported = w.update((u) => u.problems.length > 0);
  atomicWrite(join(dir, 'b.json'), '{"flags": []');
  await reported;
  const edited = w.update((u) => served(u)?.a === 'off');
  atomicWrite(join(dir, 'a.json'), flagsDoc({ a: 'off' }));
  await edited;
  await sentinel();
  const b = `INVALID ${join(dir, 'b.json')}`;
  expect(w.updates.map(summary)).toEqual([
    { served: { a: 'on', b: 'on' }, problems: [] },
    { served: { a: 'on', b: 'on' }, problems: [b] },
    { served: { a: 'off', b: 'on' }, problems: [b] },
    { served: { a: 'off', b: 'on', sentinel: 'on' }, problems: [b] },
  ]);
});

test('a deleted file is removed once the deletion quiet period is over, in one update', async () => {
  writeFileSync(join(dir, 'a.json'), flagsDoc({ a: 'on' }));
  writeFileSync(join(dir, 'b.json'), flagsDoc({ b: 'on' }));
  w = await watchSource(dir, { deletionQuietMs: 50 });
  const next = w.next();
  unlinkSync(join(dir, 'b.json'));
  atomicWrite(join(dir, 'a.json'), flagsDoc({ a: 'off' }));
  expect(summary(await next)).toEqual({ served: { a: 'off' }, problems: [] });
  await sentinel();
  expect(w.updates.map((u) => served(u))).toEqual([
    { a: 'on', b: 'on' },
    { a: 'off' },
    { a: 'off', sentinel: 'on' },
  ]);
});

test('a file deleted and recreated within the quiet period never loses its flags', async () => {
  writeFileSync(join(dir, 'a.json'), flagsDoc({ a: 'on' }));
  writeFileSync(join(dir, 'b.json'), flagsDoc({ b: 'on' }));
  w = await watchSource(dir, { deletionQuietMs: 60_000 });
  const deleting = w.trace((t) => t.startsWith('deleting'));
  unlinkSync(join(dir, 'b.json'));
  atomicWrite(join(dir, 'a.json'), flagsDoc({ a: 'off' }));
  // The source has seen b.json gone (and publishes nothing meanwhile)...
  await deleting;
  expect(w.updates).toHaveLength(1);
  // ...and b.json comes back: one update with both files' new content.
  const back = w.next();
  writeFileSync(join(dir, 'b.json'), flagsDoc({ b: 'off' }));
  await back;
  await sentinel();
  expect(w.updates.map((u) => served(u))).toEqual([
    { a: 'on', b: 'on' },
    { a: 'off', b: 'off' },
    { a: 'off', b: 'off', sentinel: 'on' },
  ]);
});

test('git checkout between two commits rewriting three files: only whole commits are published', async () => {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
  const commit = (variant: 'on' | 'off') => {
    for (const name of ['a', 'b', 'c'])
      writeFileSync(join(dir, `${name}.json`), flagsDoc({ [name]: variant }));
    git('add', '.');
    git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', variant);
    git('tag', variant);
  };
  git('init', '-q');
  commit('on');
  commit('off');
  w = await watchSource(dir);
  const all = (v: string) => ({ a: v, b: v, c: v });
  for (let round = 0; round < 20; round++) {
    const variant = round % 2 === 0 ? 'on' : 'off';
    const next = w.update((u) => served(u)?.a === variant && served(u)?.c === variant);
    git('checkout', '-q', variant);
    await next;
  }
  await sentinel();
  const states = w.updates.map((u) => served(u));
  expect(states.slice(0, -1)).toEqual(
    Array.from({ length: 21 }, (_, i) => all(i % 2 === 0 ? 'off' : 'on')),
  );
  expect(w.updates.every((u) => u.problems.length === 0)).toBe(true);
});

test('a dangling link is reported, never spins, and does not block the other files', async () => {
  writeFileSync(join(dir, 'a.json'), flagsDoc({ a: 'on' }));
  w = await watchSource(dir, { settleMs: 10 });
  const reported = w.update((u) => u.problems.length > 0);
  symlinkSync(join(dir, 'missing-target.json'), join(dir, 'dangling.json'));
  const update = await reported;
  expect(update.problems[0]).toMatchObject({
    code: 'NOT_REGULAR',
    entry: join(dir, 'dangling.json'),
    message: expect.stringMatching(/dangling symbolic link/),
  });
  // The source goes idle: no read is pending and none is scheduled.
  await w.trace((t) => t === `idle ${dir}`, 0);
  const reads = w.traces.filter((t) => t.startsWith('read')).length;
  // Another file's edit is still published, with a bounded number of reads.
  const from = w.traces.length;
  const next = w.update((u) => served(u)?.a === 'off');
  atomicWrite(join(dir, 'a.json'), flagsDoc({ a: 'off' }));
  await next;
  await w.trace((t) => t === `idle ${dir}`, from);
  expect(w.traces.filter((t) => t.startsWith('read')).length - reads).toBeLessThanOrEqual(3);
});

test('a looping link and a directory named like a flag file are reported entries', async () => {
  writeFileSync(join(dir, 'a.json'), flagsDoc({ a: 'on' }));
  symlinkSync(join(dir, 'loop.json'), join(dir, 'loop.json'));
  mkdirSync(join(dir, 'sub.yaml'));
  w = await watchSource(dir);
  expect(w.updates[0]!.problems.map((p) => p.message)).toEqual([
    `${join(dir, 'loop.json')}: cannot read: too many levels of symbolic links (ELOOP)`,
    `${join(dir, 'sub.yaml')}: not a regular file: a directory`,
  ]);
  expect(served(w.updates[0]!)).toEqual({ a: 'on' });
});
