// Locates the flagd-testbed checkout (FLAGD_TESTBED_DIR, default ../shared/flagd-testbed resolved
// against the repository root). The testbed has no license, so it is read in place and never
// copied into this repository (testbed.md §1). A missing testbed is an error, never a skip:
// a conformance run that silently checks nothing is worse than a red one.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';

export class TestbedMissingError extends Error {
  override readonly name = 'TestbedMissingError';
}

/** The repository root: the nearest ancestor holding pnpm-workspace.yaml. */
export function repositoryRoot(from: string = __dirname): string {
  let dir = from;
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no pnpm-workspace.yaml above ${from}`);
    dir = parent;
  }
}

/** Absolute path of the testbed; throws TestbedMissingError when it is absent. */
export function testbedDir(): string {
  const configured = process.env.FLAGD_TESTBED_DIR;
  const raw = configured && configured.length > 0 ? configured : '../shared/flagd-testbed';
  const dir = isAbsolute(raw) ? raw : resolve(repositoryRoot(), raw);
  const source = configured ? `FLAGD_TESTBED_DIR=${configured}` : 'the default location';
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new TestbedMissingError(
      `flagd-testbed not found at ${dir} (from ${source}). Check out open-feature/flagd-testbed ` +
        'there or set FLAGD_TESTBED_DIR; conformance tests fail rather than skip without it.',
    );
  }
  return dir;
}

/** A path inside the testbed that must exist (a file or directory). */
export function testbedPath(...parts: string[]): string {
  const path = join(testbedDir(), ...parts);
  if (!existsSync(path)) {
    throw new TestbedMissingError(`flagd-testbed at ${testbedDir()} has no ${parts.join('/')}`);
  }
  return path;
}

/** The testbed release (version.txt), or 'unknown'. */
export function testbedVersion(): string {
  const file = join(testbedDir(), 'version.txt');
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : 'unknown';
}
