// Last-known-good configuration on disk (Switchyard extension, docs/adr/0011). Each configuration
// the provider applies from the sync stream is written atomically (temp file + rename, so a
// reader never sees half a file), keyed by target + selector + providerId. A provider that
// starts while its daemon is unreachable serves this copy until the stream connects.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JsonObject } from '@switchyard/core';

const FORMAT = 'switchyard-lkg/1';

export interface CachedConfiguration {
  /** Epoch ms when the configuration was received from the daemon. */
  readonly savedAt: number;
  readonly flagConfiguration: string;
  readonly syncContext: JsonObject | undefined;
}

export interface LkgCache {
  /** The cache file. */
  readonly path: string;
  /** The persisted configuration, or undefined when there is none (or it is unreadable). */
  load(): Promise<CachedConfiguration | undefined>;
  /** Persists in the background; writes are serialized and only the latest pending one runs. */
  save(flagConfiguration: string, syncContext: JsonObject | undefined): void;
  /** Resolves once every requested write has finished. */
  flush(): Promise<void>;
}

export function cacheFileName(key: string): string {
  return `switchyard-lkg-${createHash('sha256').update(key).digest('hex').slice(0, 20)}.json`;
}

export function createLkgCache(
  dir: string,
  key: string,
  onError: (error: Error) => void,
): LkgCache {
  const path = join(dir, cacheFileName(key));
  let pending: string | undefined;
  let running: Promise<void> | undefined;
  let counter = 0;

  async function write(body: string): Promise<void> {
    const temp = `${path}.${process.pid}.${++counter}.tmp`;
    try {
      await mkdir(dir, { recursive: true });
      await writeFile(temp, body, { mode: 0o600 });
      await rename(temp, path);
    } catch (error) {
      await rm(temp, { force: true }).catch(() => {});
      onError(error as Error);
    }
  }

  async function drain(): Promise<void> {
    while (pending !== undefined) {
      const body = pending;
      pending = undefined;
      await write(body);
    }
    running = undefined;
  }

  return {
    path,
    async load() {
      try {
        const data = JSON.parse(await readFile(path, 'utf8')) as Partial<
          CachedConfiguration & { format: string; key: string }
        >;
        if (data.format !== FORMAT || data.key !== key) return undefined;
        if (typeof data.flagConfiguration !== 'string' || typeof data.savedAt !== 'number') {
          return undefined;
        }
        return {
          savedAt: data.savedAt,
          flagConfiguration: data.flagConfiguration,
          syncContext: data.syncContext ?? undefined,
        };
      } catch {
        return undefined;
      }
    },
    save(flagConfiguration, syncContext) {
      pending = JSON.stringify({
        format: FORMAT,
        key,
        savedAt: Date.now(),
        syncContext: syncContext ?? null,
        flagConfiguration,
      });
      running ??= drain();
    },
    async flush() {
      while (running) await running;
    },
  };
}
