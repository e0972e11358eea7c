// One fs.watch per directory a source depends on, each filtered to the names that matter there.
// A watch follows its directory's inode, so a directory that is replaced (renamed away, deleted
// and recreated, a `..data` link swapped to a new one) leaves a watch on the old inode. Two
// things catch that: a watch that reports its own directory moved or deleted is dropped at
// once, and every scan passes the directories it walked with their identities, so a watch on
// a directory that is no longer the one at its path is replaced. The replacement is always
// seen, because the directory above it is watched for that name too.
import { watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { basename } from 'node:path';
import type { WatchTarget } from './locate.js';
import { FLAG_FILE } from './locate.js';

interface Watched {
  readonly watcher: FSWatcher;
  target: WatchTarget;
}

export interface WatchSetOptions {
  /** A relevant change in `dir` (`name` null when the platform does not say which entry). */
  readonly onChange: (dir: string, name: string | null) => void;
  readonly onTrace?: ((event: string, detail: string) => void) | undefined;
}

export class WatchSet {
  private readonly watched = new Map<string, Watched>();
  private closed = false;

  constructor(private readonly options: WatchSetOptions) {}

  /**
   * Watches exactly `targets`. Returns true when a watch was created: changes made between the
   * walk and the watch were not seen, so the caller looks once more.
   */
  arm(targets: ReadonlyMap<string, WatchTarget>): boolean {
    if (this.closed) return false;
    for (const [dir, current] of this.watched) {
      const target = targets.get(dir);
      if (target === undefined || target.identity !== current.target.identity) this.unwatch(dir);
    }
    let created = false;
    for (const [dir, target] of targets) {
      const current = this.watched.get(dir);
      if (current) {
        current.target = target;
        continue;
      }
      created = this.watch(dir, target) || created;
    }
    return created;
  }

  close(): void {
    this.closed = true;
    for (const dir of [...this.watched.keys()]) this.unwatch(dir);
  }

  /** Directories watched now (for tests and traces). */
  get dirs(): string[] {
    return [...this.watched.keys()];
  }

  private watch(dir: string, target: WatchTarget): boolean {
    let watcher: FSWatcher;
    try {
      // persistent: false — a watch must never keep the host process alive.
      watcher = watch(dir, { persistent: false }, (_event, name) => this.event(dir, name));
    } catch (error) {
      // Gone again, or not readable: the scan that follows the next event (or poll) retries.
      this.options.onTrace?.('watch-error', `${dir}: ${(error as Error).message}`);
      return false;
    }
    watcher.on('error', (error) => {
      this.options.onTrace?.('watch-error', `${dir}: ${error.message}`);
      this.unwatch(dir);
      this.options.onChange(dir, null);
    });
    this.watched.set(dir, { watcher, target });
    this.options.onTrace?.('watch', dir);
    return true;
  }

  private unwatch(dir: string): void {
    const current = this.watched.get(dir);
    if (!current) return;
    this.watched.delete(dir);
    current.watcher.close();
    this.options.onTrace?.('unwatch', dir);
  }

  private event(dir: string, name: string | Buffer | null): void {
    const current = this.watched.get(dir);
    if (this.closed || current === undefined) return;
    const entry = name === null ? null : String(name);
    const { target } = current;
    if (entry === basename(dir)) {
      // The watched directory itself was moved or deleted (or an entry has its name): this
      // watch may be on a dead inode; the scan that follows watches whatever is there now.
      this.unwatch(dir);
      this.options.onChange(dir, entry);
      return;
    }
    const relevant =
      entry === null || target.names.has(entry) || (target.flagFiles && FLAG_FILE.test(entry));
    if (relevant) this.options.onChange(dir, entry);
  }
}
