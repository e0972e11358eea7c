// The `--usage-file`: the usage record kept across restarts. Read once at start; written
// atomically (a temporary file renamed over it, @switchyard/gitops writeFileAtomic) at most every
// `intervalMs` while reports arrive, and once more on close. A file that is not a usage record is
// moved aside (FILE.unreadable-<time>) and recording starts afresh: usage is worth keeping, not
// worth refusing to start over.
import { readFile, rename } from 'node:fs/promises';
import { parseUsageRecord, type UsageRecord, writeFileAtomic } from '@switchyard/gitops';
import type { Logger } from '../logger.js';
import type { UsageStore } from './usage-store.js';

/** The record in `path`; undefined when there is none yet or it was moved aside. */
export async function readUsageFile(
  path: string,
  logger: Logger,
): Promise<UsageRecord | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    return parseUsageRecord(text, path);
  } catch (error) {
    const aside = `${path}.unreadable-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    await rename(path, aside);
    logger.error(
      { file: path, movedTo: aside },
      `usage: ${(error as Error).message}; moved it to ${aside} and recording starts afresh`,
    );
    return undefined;
  }
}

export interface UsageFileOptions {
  readonly path: string;
  readonly store: UsageStore;
  readonly logger: Logger;
  /** Longest a counted report waits to be written (default 5 s). */
  readonly intervalMs?: number;
}

/** Writes the store to its file while reports arrive; `close()` writes what is left. */
export class UsageFile {
  private written: number;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private readonly unsubscribe: () => void;

  constructor(private readonly options: UsageFileOptions) {
    this.written = options.store.version;
    this.unsubscribe = options.store.subscribe(() => this.schedule());
  }

  /** Writes now if anything was counted since the last write. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.writing = this.writing.then(() => this.write());
    return this.writing;
  }

  async close(): Promise<void> {
    this.unsubscribe();
    await this.flush();
  }

  private schedule(): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => void this.flush(), this.options.intervalMs ?? 5000);
    this.timer.unref();
  }

  private async write(): Promise<void> {
    const { store, path, logger } = this.options;
    const version = store.version;
    if (version === this.written) return;
    try {
      await writeFileAtomic(path, `${JSON.stringify(store.record())}\n`);
      this.written = version;
    } catch (error) {
      logger.error(
        { file: path, err: error },
        `usage: cannot write ${path}: ${(error as Error).message}`,
      );
    }
  }
}
