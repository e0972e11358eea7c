// Watches survive replacement: of the watched file, of the watched directory (in one step or
// several), and of a parent symbolic link (Kubernetes `..data`). After each replacement, later
// edits inside the new file or directory are still seen.
import { mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

/** Runs `change` and waits until the source serves `expected`. */
async function expectServed(change: () => void, expected: Record<string, string>): Promise<void> {
  const next = w!.update((u) => JSON.stringify(served(u)) === JSON.stringify(expected));
  change();
  await next;
}

let edit = 0;

/**
 * Edits in place, then by atomic save, then adds a file (each with new content, so each must
 * be published). Leaves the directory holding `{a: 'on', b: 'on'}`.
 */
async function editsAreSeen(dirPath: string): Promise<void> {
  edit++;
  await expectServed(
    () =>
      writeFileSync(join(dirPath, 'a.json'), flagsDoc({ a: 'off', [`in-place-${edit}`]: 'on' })),
    { a: 'off', [`in-place-${edit}`]: 'on' },
  );
  await expectServed(() => atomicWrite(join(dirPath, 'a.json'), flagsDoc({ a: 'on' })), {
    a: 'on',
  });
  rmSync(join(dirPath, 'b.json'), { force: true });
  await expectServed(() => writeFileSync(join(dirPath, 'b.json'), flagsDoc({ b: 'on' })), {
    a: 'on',
    b: 'on',
  });
}

function makeDir(path: string, flags: Record<string, 'on' | 'off'>): void {
  mkdirSync(path);
  writeFileSync(join(path, 'a.json'), flagsDoc(flags));
}

test('a directory source swapped in one step (remove it, rename a new one into place)', async () => {
  const source = join(dir, 'flags.d');
  makeDir(source, { a: 'on' });
  w = await watchSource(source);
  makeDir(join(dir, 'incoming'), { a: 'off', x: 'on' } as Record<string, 'on' | 'off'>);
  await expectServed(
    () => {
      rmSync(source, { recursive: true });
      renameSync(join(dir, 'incoming'), source);
    },
    { a: 'off', x: 'on' },
  );
  await editsAreSeen(source);
  // And once more: the second swap is seen as well.
  makeDir(join(dir, 'incoming'), { a: 'off' });
  await expectServed(
    () => {
      rmSync(source, { recursive: true });
      renameSync(join(dir, 'incoming'), source);
    },
    { a: 'off' },
  );
  await editsAreSeen(source);
  expect(w.updates.every((u) => u.problems.length === 0)).toBe(true);
});

test('a directory source replaced in several steps (remove, create, write files one by one)', async () => {
  const source = join(dir, 'flags.d');
  makeDir(source, { a: 'on' });
  w = await watchSource(source);
  await expectServed(() => rmSync(source, { recursive: true }), { a: 'on' });
  // Gone: reported, and the flags are kept.
  const missing = await w.update((u) => u.problems.length > 0, 0);
  expect(missing.problems[0]).toMatchObject({ code: 'MISSING', entry: source });
  expect(served(missing)).toEqual({ a: 'on' });
  mkdirSync(source);
  await expectServed(() => writeFileSync(join(source, 'a.json'), flagsDoc({ a: 'off' })), {
    a: 'off',
  });
  await editsAreSeen(source);
});

test('a directory source removed and recreated at once (its inode number is reused)', async () => {
  const source = join(dir, 'flags.d');
  makeDir(source, { a: 'on' });
  w = await watchSource(source);
  for (const variant of ['off', 'on', 'off'] as const) {
    await expectServed(
      () => {
        rmSync(source, { recursive: true });
        makeDir(source, { a: variant });
      },
      { a: variant },
    );
    await editsAreSeen(source);
  }
});

test('a file source under a parent symbolic link that is swapped (Kubernetes ..data)', async () => {
  makeDir(join(dir, '..v1'), { a: 'on' });
  symlinkSync('..v1', join(dir, '..data'));
  const file = join(dir, '..data', 'a.json');
  w = await watchSource(file);
  makeDir(join(dir, '..v2'), { a: 'off' });
  await expectServed(
    () => {
      symlinkSync('..v2', join(dir, '..data_tmp'));
      renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
      rmSync(join(dir, '..v1'), { recursive: true });
    },
    { a: 'off' },
  );
  // An edit inside the new target directory is seen (its watch replaced the old one's).
  await expectServed(() => writeFileSync(join(dir, '..v2', 'a.json'), flagsDoc({ a: 'on' })), {
    a: 'on',
  });
  expect(w.source.watchedDirs).toContain(join(dir, '..v2'));
  expect(w.source.watchedDirs).not.toContain(join(dir, '..v1'));
});

test('a directory source that is a symbolic link swapped to another directory', async () => {
  makeDir(join(dir, 'v1'), { a: 'on' });
  symlinkSync('v1', join(dir, 'current'));
  w = await watchSource(join(dir, 'current'));
  makeDir(join(dir, 'v2'), { a: 'off' });
  await expectServed(
    () => {
      symlinkSync('v2', join(dir, 'next'));
      renameSync(join(dir, 'next'), join(dir, 'current'));
    },
    { a: 'off' },
  );
  await editsAreSeen(join(dir, 'v2'));
  // The old directory is no longer watched: its edits are not served.
  writeFileSync(join(dir, 'v1', 'stale.json'), flagsDoc({ stale: 'on' }));
  await expectServed(() => writeFileSync(join(dir, 'v2', 'c.json'), flagsDoc({ c: 'on' })), {
    a: 'on',
    b: 'on',
    c: 'on',
  });
});

test('a ConfigMap mounted as a directory: each ..data swap and later swaps are seen', async () => {
  const version = (name: string, variant: 'on' | 'off') => {
    makeDir(join(dir, name), { a: variant });
    writeFileSync(
      join(dir, name, 'b.yaml'),
      `flags:\n  b: {variants: {on: true, off: false}, defaultVariant: "${variant}"}\n`,
    );
  };
  version('..v1', 'on');
  symlinkSync('..v1', join(dir, '..data'));
  symlinkSync('..data/a.json', join(dir, 'a.json'));
  symlinkSync('..data/b.yaml', join(dir, 'b.yaml'));
  w = await watchSource(dir);
  for (const [i, variant] of (['off', 'on', 'off'] as const).entries()) {
    version(`..v${i + 2}`, variant);
    await expectServed(
      () => {
        symlinkSync(`..v${i + 2}`, join(dir, '..data_tmp'));
        renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
        rmSync(join(dir, `..v${i + 1}`), { recursive: true });
      },
      { a: variant, b: variant },
    );
  }
  expect(w.updates.map((u) => served(u))).toEqual([
    { a: 'on', b: 'on' },
    { a: 'off', b: 'off' },
    { a: 'on', b: 'on' },
    { a: 'off', b: 'off' },
  ]);
  expect(w.updates.every((u) => u.problems.length === 0)).toBe(true);
});

test('a source whose directory does not exist yet is found when it is created (no poll)', async () => {
  const file = join(dir, 'later', 'deeper', 'flags.json');
  w = await watchSource(file);
  expect(w.updates[0]!.problems[0]).toMatchObject({ code: 'MISSING', entry: file });
  mkdirSync(join(dir, 'later'));
  mkdirSync(join(dir, 'later', 'deeper'));
  await expectServed(() => writeFileSync(file, flagsDoc({ a: 'on' })), { a: 'on' });
  await expectServed(() => atomicWrite(file, flagsDoc({ a: 'off' })), { a: 'off' });
});

test('the backup poll finds a change that no watch reported', async () => {
  // A watch is missed on some network and container file systems; the poll compares a stat
  // fingerprint. Here the change is made while the watches are closed.
  const file = join(dir, 'flags.json');
  writeFileSync(file, flagsDoc({ a: 'on' }));
  w = await watchSource(file, { pollMs: 20 });
  await w.trace((t) => t.startsWith('idle'), 0);
  (w.source as unknown as { watches: { close(): void } }).watches.close();
  await expectServed(() => atomicWrite(file, flagsDoc({ a: 'off' })), { a: 'off' });
  expect(w.traces).toContain('event poll');
});
