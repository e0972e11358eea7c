// A single-file source replaced (by rename, in one step) with something that is not a regular
// file keeps its last good flags and reports the entry with the reason; it never blocks on a
// FIFO and never spins. Each test ends with a sentinel save: updates arrive in order, so the
// list up to the sentinel's is the exact sequence the source published.
import { execFileSync } from 'node:child_process';
import {
  lstatSync,
  mkdirSync,
  renameSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { SourceUpdate } from '../src/index.js';
import type { Watched } from './support/harness.js';
import { atomicWrite, cleanup, flagsDoc, served, tempDir, watchSource } from './support/harness.js';

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

const summary = (u: SourceUpdate) => ({
  served: served(u),
  problems: u.problems.map((p) => `${p.code} ${p.message}`),
});

/**
 * Replaces `path` by rename with what `make` creates at a temporary name (a directory cannot
 * be renamed over a file: the file is removed first).
 */
function replaceWith(path: string, make: (tmp: string) => void): void {
  const tmp = join(dir, '.incoming');
  make(tmp);
  if (lstatSync(tmp).isDirectory()) unlinkSync(path);
  renameSync(tmp, path);
}

async function sentinel(path: string): Promise<void> {
  const next = w!.update((u) => served(u)?.sentinel === 'on');
  atomicWrite(path, flagsDoc({ sentinel: 'on' }));
  await next;
}

const cases: { name: string; make: (tmp: string) => void; reason: RegExp }[] = [
  {
    name: 'a symbolic link to /dev/null',
    make: (tmp) => symlinkSync('/dev/null', tmp),
    reason: /flags\.json: not a regular file: a character device at \/dev\/null$/,
  },
  {
    name: 'a FIFO',
    make: (tmp) => execFileSync('mkfifo', [tmp]),
    reason: /flags\.json: not a regular file: a FIFO \(named pipe\)$/,
  },
  {
    name: 'a symbolic link to a directory',
    make: (tmp) => {
      mkdirSync(join(dir, 'elsewhere'));
      symlinkSync(join(dir, 'elsewhere'), tmp);
    },
    reason: /flags\.json: not a regular file: a directory at .*elsewhere$/,
  },
  {
    name: 'an empty directory',
    make: (tmp) => mkdirSync(tmp),
    reason: /flags\.json: not a regular file: a directory$/,
  },
  {
    name: 'a dangling symbolic link',
    make: (tmp) => symlinkSync(join(dir, 'nowhere.json'), tmp),
    reason:
      /flags\.json: not a regular file: a dangling symbolic link \(.*nowhere\.json does not exist\)$/,
  },
  {
    name: 'a symbolic link to itself (ELOOP)',
    make: (tmp) => symlinkSync(join(dir, 'flags.json'), tmp),
    reason: /flags\.json: cannot read: too many levels of symbolic links \(ELOOP\)$/,
  },
];

describe('a single-file source replaced by something that is not a regular file', () => {
  test.each(cases)('$name: keeps the last good flags and reports why', async ({ make, reason }) => {
    const file = join(dir, 'flags.json');
    writeFileSync(file, flagsDoc({ a: 'on' }));
    w = await watchSource(file, { settleMs: 20 });
    const reported = w.update((u) => u.problems.length > 0);
    replaceWith(file, make);
    const update = await reported;
    expect(update.problems).toEqual([
      {
        code: expect.any(String),
        entry: file,
        message: expect.stringMatching(reason),
        since: expect.any(Number),
      },
    ]);
    // Back to a regular file: the sentinel is served and the problem cleared.
    rmSync(file, { recursive: true });
    await sentinel(file);
    expect(w.updates.map(summary)).toEqual([
      { served: { a: 'on' }, problems: [] },
      { served: { a: 'on' }, problems: [expect.stringMatching(reason)] },
      { served: { sentinel: 'on' }, problems: [] },
    ]);
  });

  test('a socket', async () => {
    const file = join(dir, 'flags.json');
    writeFileSync(file, flagsDoc({ a: 'on' }));
    w = await watchSource(file, { settleMs: 20 });
    const reported = w.update((u) => u.problems.length > 0);
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(join(dir, 'sock'), resolve));
    try {
      renameSync(join(dir, 'sock'), file);
      expect((await reported).problems[0]).toMatchObject({
        code: 'NOT_REGULAR',
        message: `${file}: not a regular file: a socket`,
      });
      expect(served(w.updates.at(-1)!)).toEqual({ a: 'on' });
    } finally {
      server.close();
    }
  });

  test('a FIFO at start-up is reported, not read (nothing blocks)', async () => {
    const file = join(dir, 'flags.json');
    execFileSync('mkfifo', [file]);
    w = await watchSource(file);
    expect(w.updates.map(summary)).toEqual([
      {
        served: undefined,
        problems: [`NOT_REGULAR ${file}: not a regular file: a FIFO (named pipe)`],
      },
    ]);
    unlinkSync(file);
    await sentinel(file);
    expect(w.updates.map(summary).at(-1)).toEqual({ served: { sentinel: 'on' }, problems: [] });
  });
});
