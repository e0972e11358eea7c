// WatchedFile: one non-flag file (an auth config, a certificate) watched with the file source's
// machinery: an edit in place, an atomic save, a Kubernetes `..data` symlink swap, a deletion and
// a return are each reported once with the new bytes or the fault; unchanged bytes are not.
import { mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WatchedFile } from '../src/index.js';
import type { WatchedContent } from '../src/index.js';
import { atomicWrite, cleanup, tempDir } from './support/harness.js';

let dir: string;
let file: WatchedFile | undefined;
const changes: WatchedContent[] = [];
const waiters = new Set<() => void>();

function watch(path: string): WatchedFile {
  file = new WatchedFile({
    path,
    maxBytes: 1024,
    onChange: (content) => {
      changes.push(content);
      for (const w of [...waiters]) w();
    },
  });
  return file;
}

/** Resolves with the next change (after those seen so far). */
function nextChange(): Promise<WatchedContent> {
  const from = changes.length;
  return new Promise((resolve) => {
    const check = () => {
      if (changes.length <= from) return;
      waiters.delete(check);
      resolve(changes[from]!);
    };
    waiters.add(check);
  });
}

const text = (c: WatchedContent) => (c.ok ? c.bytes.toString() : `fault ${c.code}`);

beforeEach(() => {
  dir = tempDir();
  changes.length = 0;
});
afterEach(() => {
  file?.close();
  cleanup(dir);
});

test('edits in place and atomic saves, each reported with the new bytes', async () => {
  const path = join(dir, 'auth.json');
  writeFileSync(path, 'one');
  expect(text(watch(path).content)).toBe('one');
  let next = nextChange();
  writeFileSync(path, 'two');
  expect(text(await next)).toBe('two');
  next = nextChange();
  atomicWrite(path, 'three');
  expect(text(await next)).toBe('three');
  // The same bytes again are no change; the next different ones are.
  next = nextChange();
  atomicWrite(path, 'three');
  atomicWrite(path, 'four');
  expect(text(await next)).toBe('four');
  expect(changes.map(text)).toEqual(['two', 'three', 'four']);
});

test('a Kubernetes Secret swap (..data symlink), a deletion and a return', async () => {
  const mount = join(dir, 'mount');
  mkdirSync(join(mount, '..v1'), { recursive: true });
  writeFileSync(join(mount, '..v1', 'tls.crt'), 'cert-1');
  symlinkSync('..v1', join(mount, '..data'));
  symlinkSync('..data/tls.crt', join(mount, 'tls.crt'));
  const path = join(mount, 'tls.crt');
  expect(text(watch(path).content)).toBe('cert-1');
  let next = nextChange();
  mkdirSync(join(mount, '..v2'));
  writeFileSync(join(mount, '..v2', 'tls.crt'), 'cert-2');
  symlinkSync('..v2', join(mount, '..data_tmp'));
  renameSync(join(mount, '..data_tmp'), join(mount, '..data'));
  expect(text(await next)).toBe('cert-2');
  next = nextChange();
  rmSync(path);
  expect(text(await next)).toBe('fault MISSING');
  next = nextChange();
  writeFileSync(path, 'back');
  expect(text(await next)).toBe('back');
});

test('over maxBytes: a TOO_LARGE fault, never a read', () => {
  const path = join(dir, 'big.pem');
  writeFileSync(path, 'x'.repeat(2048));
  const content = watch(path).content;
  expect(content.ok ? 'read' : content.code).toBe('TOO_LARGE');
});
