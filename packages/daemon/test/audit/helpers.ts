// Audit test helpers: wait for the entry of a generation (entries are written asynchronously,
// after git is resolved), the sha256 a provider can compute over the payload it received, and
// git in a temporary repository with its own identity (no global config is relied on).
import { createHash } from 'node:crypto';
import type { AuditEntry } from '@switchyard/gitops';
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

// git in a temporary repository with its own identity: the gitops package's test helpers.
export { git, initRepo } from '../../../gitops/test/git/helpers.js';
