// git in a temporary repository with its own identity (no global or system config is relied
// on), and a flag document to commit. The daemon's audit tests use these too.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function tempDir(prefix = 'switchyard-git-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'commit.gpgsign=false', ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
  }).trim();
}

/** A repository on branch `main` with a local identity. */
export function initRepo(dir: string, name: string, email: string): void {
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.name', name);
  git(dir, 'config', 'user.email', email);
}

/** A flag document of boolean flags, each `key: defaultVariant`. */
export function flagsDoc(flags: Record<string, 'on' | 'off'>): string {
  const out: Record<string, unknown> = {};
  for (const [key, defaultVariant] of Object.entries(flags))
    out[key] = { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant };
  return `${JSON.stringify({ flags: out }, null, 2)}\n`;
}
