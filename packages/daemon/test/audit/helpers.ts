// Audit test helpers: wait for the entry of a generation (entries are written asynchronously,
// after git is resolved), the sha256 a provider can compute over the payload it received, and
// git in a temporary repository with its own identity (no global config is relied on).
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import type { AuditEntry } from '../../src/audit/types.js';
import type { Daemon } from '../../src/daemon.js';
import type { Generation } from '../../src/store/generation.js';
import { ALL_FLAGS } from '../../src/store/selector.js';
import { flagConfigurationJson } from '../../src/sync/flag-configuration.js';

export function entryFor(daemon: Daemon, generation: number): Promise<AuditEntry> {
  return new Promise((resolve) => {
    const off = daemon.audit.subscribe((e) => {
      if (e.generation === generation) {
        off();
        resolve(e);
      }
    });
    const seen = daemon.audit.recent().find((e) => e.generation === generation);
    if (seen) {
      off();
      resolve(seen);
    }
  });
}

export const payloadHash = (g: Generation) =>
  `sha256:${createHash('sha256')
    .update(flagConfigurationJson(g.view(ALL_FLAGS)))
    .digest('hex')}`;

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'commit.gpgsign=false', ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
  }).trim();
}

/** A repository with a local identity. */
export function initRepo(dir: string, name: string, email: string): void {
  git(dir, 'init', '-q');
  git(dir, 'config', 'user.name', name);
  git(dir, 'config', 'user.email', email);
}
