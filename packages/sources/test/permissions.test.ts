// Unreadable entries (EACCES) keep their last good flags and are reported. Root reads files
// whatever their mode, so as root the source runs in a child process under the `nobody` user
// (setpriv); as any other user it runs in a child all the same, to keep one code path.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { atomicWrite, cleanup, flagsDoc, tempDir } from './support/harness.js';

const CHILD = join(__dirname, 'support/watch-child.cjs');
const asRoot = process.getuid?.() === 0;
const SETPRIV = '/usr/bin/setpriv';

interface Line {
  served: Record<string, string> | undefined;
  problems: string[];
}

let dir: string;
let child: ChildProcess | undefined;
beforeEach(() => {
  dir = tempDir();
  chmodSync(dir, 0o755);
});
afterEach(() => {
  child?.stdin?.end();
  child?.kill();
  child = undefined;
  chmodSync(dir, 0o755);
  cleanup(dir);
});

/** Starts the child on `path`; `next(match)` resolves with the first matching line. */
function watchAsOtherUser(path: string) {
  const node = [process.execPath, CHILD, path];
  const command = asRoot
    ? [SETPRIV, '--reuid=65534', '--regid=65534', '--clear-groups', ...node]
    : node;
  child = spawn(command[0]!, command.slice(1), { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines: Line[] = [];
  const waiters = new Set<() => void>();
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(JSON.parse(line) as Line);
    for (const w of [...waiters]) w();
  });
  let exited = '';
  child.on('exit', (code, signal) => {
    exited = `the child exited (${code ?? signal})`;
    for (const w of [...waiters]) w();
  });
  let seen = 0;
  return {
    lines,
    next: (match: (l: Line) => boolean) =>
      new Promise<Line>((resolve, reject) => {
        const check = () => {
          if (exited) reject(new Error(exited));
          while (seen < lines.length) {
            const line = lines[seen++]!;
            if (match(line)) {
              waiters.delete(check);
              resolve(line);
              return;
            }
          }
        };
        waiters.add(check);
        check();
      }),
  };
}

const runnable = !asRoot || existsSync(SETPRIV);

(runnable ? test : test.skip)(
  'a file made unreadable (chmod 000) keeps its flags and is reported as EACCES',
  async () => {
    const file = join(dir, 'flags.json');
    writeFileSync(file, flagsDoc({ a: 'on' }));
    chmodSync(file, 0o644);
    const watch = watchAsOtherUser(file);
    expect(await watch.next(() => true)).toEqual({ served: { a: 'on' }, problems: [] });
    chmodSync(file, 0o000);
    expect(await watch.next((l) => l.problems.length > 0)).toEqual({
      served: { a: 'on' },
      problems: [`UNREADABLE ${file}: cannot read: permission denied (EACCES)`],
    });
    chmodSync(file, 0o644);
    atomicWrite(file, flagsDoc({ a: 'off' }));
    chmodSync(file, 0o644);
    expect(await watch.next((l) => l.served?.a === 'off')).toEqual({
      served: { a: 'off' },
      problems: [],
    });
  },
);

(runnable ? test : test.skip)(
  'a directory source made unreadable keeps every flag and is reported',
  async () => {
    const source = join(dir, 'flags.d');
    mkdirSync(source);
    writeFileSync(join(source, 'a.json'), flagsDoc({ a: 'on' }));
    chmodSync(source, 0o755);
    const watch = watchAsOtherUser(source);
    expect(await watch.next(() => true)).toEqual({ served: { a: 'on' }, problems: [] });
    chmodSync(source, 0o000);
    expect(await watch.next((l) => l.problems.length > 0)).toEqual({
      served: { a: 'on' },
      problems: [`UNREADABLE ${source}: cannot read: permission denied (EACCES)`],
    });
    chmodSync(source, 0o755);
    writeFileSync(join(source, 'b.json'), flagsDoc({ b: 'on' }));
    chmodSync(join(source, 'b.json'), 0o644);
    expect(await watch.next((l) => l.served?.b === 'on')).toEqual({
      served: { a: 'on', b: 'on' },
      problems: [],
    });
  },
);
