// A file or directory source watched with chokidar. flagd re-reads on every event without
// debouncing (editors give 2+ payloads per save, flagd #1235) and polls with a 1 s stat outside
// Kubernetes; here a burst of events (atomic rename, git checkout, the ConfigMap `..data` swap,
// delete-then-recreate, a write in several chunks) becomes one read after a quiet millisecond
// (a single JSON file: on the next turn), re-read until the files hold still, and only a valid,
// changed result is emitted.
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { watch } from 'chokidar';
import type { FSWatcher } from 'chokidar';
import { SourceReader } from './read-files.js';
import type { ReadResult } from './read-files.js';
import type { SourceSpec } from './uri.js';
import type { FlagSource, SourceUpdate } from './types.js';

export interface FileSourceOptions {
  /**
   * Quiet period after the last file event before reading a directory source (ms). 1 ms (it is
   * paid on every publish): the events of a git checkout or the ConfigMap swap come well under a
   * millisecond apart, and files of one commit must not be published half-way. A single JSON
   * file is read on the next event-loop turn instead: every intermediate state of it (empty,
   * truncated, missing) is invalid and waits `settleMs`, so there is nothing to wait for. Not a
   * YAML file: a YAML file cut after any complete line is usually still valid (with fewer flags).
   * A file that changes under the read is read again, later events read again (an identical
   * result publishes nothing); a writer that pauses longer than this between two valid states
   * gets two generations, as with any quiet time.
   */
  readonly quietMs?: number;
  /**
   * How long a bad result (invalid, missing, unreadable) must hold still before it is reported:
   * a writer may still be mid-way (a partial write, delete-then-recreate). Valid results are
   * never delayed by this.
   */
  readonly settleMs?: number;
  /** How often to look for a watched directory that does not exist yet (ms). */
  readonly pollMissingMs?: number;
  /** Observes raw file events and reads (for tests and debugging). */
  readonly onTrace?: (event: string, detail: string) => void;
}

export class FileSource implements FlagSource {
  readonly id: string;
  private readonly reader: SourceReader;
  private readonly quietMs: number;
  private readonly settleMs: number;
  private readonly pollMissingMs: number;
  private watcher: FSWatcher | undefined;
  private watchedDir: string | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  /** Cancels the pending read (a quiet-period or settle timer, or a next-turn read). */
  private cancelPending: () => void = () => {};
  private listener: (update: SourceUpdate) => void = () => {};
  private closed = false;
  private dirty = false;
  private burstAt: number | undefined;
  private emittedKey: string | undefined;
  private pendingBad: { key: string; settled: boolean } | undefined;

  constructor(
    private readonly spec: SourceSpec,
    private readonly options: FileSourceOptions = {},
  ) {
    this.id = spec.id;
    this.reader = new SourceReader(spec.path, spec.id);
    this.quietMs = options.quietMs ?? 1;
    this.settleMs = options.settleMs ?? 150;
    this.pollMissingMs = options.pollMissingMs ?? 250;
  }

  async start(listener: (update: SourceUpdate) => void): Promise<void> {
    this.listener = listener;
    await this.watchWhenPresent();
    await this.scan(true);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.cancelPending();
    clearInterval(this.pollTimer);
    await this.watcher?.close();
  }

  /** The directory to watch: the source itself when it is a directory, else its parent. */
  private watchDir(): string {
    try {
      if (statSync(this.spec.path).isDirectory()) return this.spec.path;
    } catch {
      // Missing: watch where it will appear.
    }
    return dirname(this.spec.path);
  }

  private async watchWhenPresent(): Promise<void> {
    const dir = this.watchDir();
    if (!existsSync(dir)) {
      this.options.onTrace?.('waiting', dir);
      this.pollTimer = setInterval(() => {
        if (this.closed || !existsSync(this.watchDir())) return;
        clearInterval(this.pollTimer);
        void this.watchWhenPresent().then(() => this.onEvent('appeared', dir));
      }, this.pollMissingMs);
      this.pollTimer.unref();
      return;
    }
    // Watch the directory, not the file: a rename or the `..data` swap replaces the file's
    // inode, and a watch on the old inode goes silent. Raw events arrive without chokidar's
    // own atomic-write delay (100 ms), which is what makes publishing within milliseconds possible.
    // The directory's own watch reports every entry's changes (raw events name the entry), so
    // chokidar is told to ignore the entries: otherwise it stats and watches each file and each
    // editor temp file as it appears (a watch per file, added and removed on every atomic save),
    // ~1 ms of event-loop time per edit in front of the read.
    const root = resolve(dir);
    const watcher = watch(dir, {
      depth: 0,
      ignoreInitial: true,
      atomic: false,
      persistent: true,
      ignored: (path: string) => resolve(path) !== root,
    });
    this.watcher = watcher;
    this.watchedDir = dir;
    this.options.onTrace?.('watch', dir);
    // Raw events only: chokidar's derived add/change/unlink events follow the same fs.watch events
    // a fraction of a millisecond later (after its own stat/readdir), and listening to them too
    // only pushed the read back by restarting the quiet period.
    watcher.on('raw', (event, path) => this.onEvent(event, String(path)));
    watcher.on('error', (error) => this.options.onTrace?.('watch-error', String(error)));
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  }

  private onEvent(event: string, path: string): void {
    if (this.closed) return;
    this.options.onTrace?.('event', `${event} ${path}`);
    this.burstAt ??= performance.now();
    this.dirty = true;
    this.schedule(this.readDelay());
  }

  /** The quiet period, except for a single JSON file: that is read on the next turn. */
  private readDelay(): number {
    return this.watchedDir !== this.spec.path && /\.json$/i.test(this.spec.path) ? 0 : this.quietMs;
  }

  /** Reads after `ms` (0: on the next turn, after the events already queued), once. */
  private schedule(ms: number, before?: () => void): void {
    this.cancelPending();
    const run = () => {
      before?.();
      void this.scan(false);
    };
    if (ms <= 0) {
      const immediate = setImmediate(run);
      this.cancelPending = () => clearImmediate(immediate);
    } else {
      const timer = setTimeout(run, ms);
      this.cancelPending = () => clearTimeout(timer);
    }
  }

  private async scan(initial: boolean): Promise<void> {
    if (this.closed) return;
    this.dirty = false;
    const result: ReadResult = this.reader.read();
    this.options.onTrace?.(
      'read',
      result.ok ? `ok ${result.key}` : `bad ${result.problem.message}`,
    );
    // The path turned from missing into a directory (or back): watch the right directory.
    if (this.watcher && this.watchDir() !== this.watchedDir) {
      const previous = this.watcher;
      this.watcher = undefined;
      await previous.close();
      if (this.closed) return;
      await this.watchWhenPresent();
      this.dirty = true;
    }
    // Events during the read, or files that changed under it: the burst is not over.
    if (this.dirty || !result.stable) {
      // A file still being written waits the quiet period, not a turn: no busy re-reading.
      this.schedule(result.stable ? this.readDelay() : this.quietMs);
      return;
    }
    const eventAt = this.burstAt;
    if (result.ok) {
      this.pendingBad = undefined;
      this.burstAt = undefined;
      if (result.key === this.emittedKey) return;
      this.emittedKey = result.key;
      this.listener({
        kind: 'configuration',
        sourceId: this.id,
        configuration: result.configuration,
        warnings: result.warnings,
        eventAt,
      });
      return;
    }
    if (!initial && !(this.pendingBad?.key === result.key && this.pendingBad.settled)) {
      // First sight of a bad state: give the writer settleMs to finish before reporting it.
      this.pendingBad = { key: result.key, settled: false };
      this.options.onTrace?.('settling', result.problem.message);
      this.schedule(this.settleMs, () => {
        if (this.pendingBad?.key === result.key) this.pendingBad.settled = true;
      });
      return;
    }
    this.pendingBad = undefined;
    this.burstAt = undefined;
    if (result.key === this.emittedKey) return;
    this.emittedKey = result.key;
    this.listener({ kind: 'problem', sourceId: this.id, problem: result.problem, eventAt });
  }
}
