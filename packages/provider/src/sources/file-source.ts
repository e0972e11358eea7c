// The file source (flagd "offline" mode): `offlineFlagSourcePath`, watched with fs.watch on the
// parent directory instead of the official provider's 5 s fs.watchFile poll (js-provider.md
// §2.3). Watching the directory, not the file, survives atomic replace (write temp + rename,
// which gives the path a new inode) and delete/recreate. A stat poll every
// offlinePollIntervalMs backs fs.watch up where it is unreliable (network and some container
// file systems); 0 turns the poll off.
import { type FSWatcher, watch } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type { Logger } from '@openfeature/core';
import { SourceUnavailableError } from '../errors/source-unavailable-error.js';
import type { FlagSource, SourceListener } from './flag-source.js';

/** Editors and generators touch a file several times per save; read once they are done. */
const SETTLE_MS = 15;

export function createFileSource(path: string, pollMs: number, logger: Logger): FlagSource {
  const file = resolve(path);
  const dir = dirname(file);
  const name = basename(file);
  let listener: SourceListener | undefined;
  let watcher: FSWatcher | undefined;
  let poll: NodeJS.Timeout | undefined;
  let settle: NodeJS.Timeout | undefined;
  let closed = false;
  let reading = false;
  let again = false;
  let lastText: string | undefined;
  let lastStamp = '';
  let missing = false;

  function startWatcher(): void {
    if (watcher !== undefined || closed) return;
    try {
      // persistent: false — a flag file watch must never keep the host process alive.
      watcher = watch(dir, { persistent: false }, (_event, changed) => {
        if (changed === null || changed === name) scheduleRead();
      });
      watcher.on('error', () => {
        // The directory went away; the poll (if any) re-establishes the watch later.
        watcher?.close();
        watcher = undefined;
        scheduleRead();
      });
    } catch {
      watcher = undefined; // directory missing: the poll retries
    }
  }

  function scheduleRead(): void {
    if (closed) return;
    clearTimeout(settle);
    settle = setTimeout(read, SETTLE_MS);
    settle.unref();
  }

  async function read(): Promise<void> {
    settle = undefined;
    if (closed) return;
    if (reading) {
      again = true;
      return;
    }
    reading = true;
    try {
      const text = await readFile(file, 'utf8');
      if (closed) return;
      missing = false;
      if (text !== lastText) {
        lastText = text;
        const rejected = listener?.payload({ configuration: text });
        if (rejected) logger.warn(`${file}: ${rejected.message}`);
      }
    } catch (error) {
      if (closed) return;
      const code = (error as NodeJS.ErrnoException).code;
      // Report once per outage; the next good read recovers.
      if (!missing) {
        missing = true;
        lastText = undefined;
        listener?.unavailable(
          new SourceUnavailableError(`${file}: ${code ?? (error as Error).message}`, {
            cause: error,
          }),
        );
      }
    } finally {
      reading = false;
      if (again && !closed) {
        again = false;
        scheduleRead();
      }
    }
  }

  async function tick(): Promise<void> {
    startWatcher();
    try {
      const s = await stat(file);
      const stamp = `${s.ino}:${s.size}:${s.mtimeMs}`;
      if (stamp !== lastStamp || missing) {
        lastStamp = stamp;
        scheduleRead();
      }
    } catch {
      if (!missing) scheduleRead();
    }
  }

  return {
    description: file,
    start(l) {
      listener = l;
      startWatcher();
      if (pollMs > 0) {
        poll = setInterval(() => void tick(), pollMs);
        poll.unref();
      }
      void read();
    },
    close() {
      closed = true;
      watcher?.close();
      watcher = undefined;
      clearInterval(poll);
      clearTimeout(settle);
      poll = undefined;
      settle = undefined;
    },
  };
}
