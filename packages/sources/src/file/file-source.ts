// The file source: one flag file, or a directory of JSON/YAML flag files, watched for changes.
//
// When it reads. A single JSON file is read on the next event-loop turn after an event: every
// intermediate state of one JSON file (empty, cut short, missing) is invalid or absent, which
// never changes what is served, so there is nothing to wait for. A directory, or a YAML file
// (cut after any line it is usually still valid, with fewer flags), is read once no event came
// for `quietMs`, so a burst (git checkout, an editor's save, a ConfigMap swap) is read once,
// at its end; a read that finds a file changing under it looks again.
//
// What it serves. Each entry's current content when valid, else its last good content; a
// problem is reported once it held still for `settleMs` (a writer may be mid-way). A file that
// vanishes from a directory keeps its flags for `deletionQuietMs` and is removed only if it
// stays away that long (git and rsync delete and recreate). A source whose path or directory is
// missing keeps everything and reports it.
import { extname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DEFAULT_LIMITS } from '@switchyard/core';
import type { FlagConfiguration } from '@switchyard/core';
import type { FlagSource, SourceListener, SourceUpdate } from '../flag-source.js';
import type { SourceParseOptions } from '../parse-document.js';
import { ParseCache } from '../parse-document.js';
import { EntryTable } from './entry-table.js';
import type { SourceKind } from './locate.js';
import { locate } from './locate.js';
import type { Scan } from './scan.js';
import { scanLocated } from './scan.js';
import { ReadScheduler } from './read-scheduler.js';
import { WatchSet } from './watch-set.js';

export interface FileSourceOptions {
  /** How documents are parsed (the consumer's choice). */
  readonly parse: SourceParseOptions;
  /** What the path must be; by default whatever it is when first seen. */
  readonly kind?: SourceKind | undefined;
  /** Quiet period before a directory or YAML file is read (ms, default 20). */
  readonly quietMs?: number | undefined;
  /** How long a file gone from its directory keeps its flags (ms, default 200). */
  readonly deletionQuietMs?: number | undefined;
  /** How long a problem must hold still before it is reported (ms, default 150). */
  readonly settleMs?: number | undefined;
  /** Backup stat poll for file systems without reliable events (ms, 0 = off, the default). */
  readonly pollMs?: number | undefined;
  /** The most flag files one directory source may hold (default 10,000). */
  readonly maxEntries?: number | undefined;
  /** Observes events, reads and watches (tests and debugging). */
  readonly onTrace?: ((event: string, detail: string) => void) | undefined;
}

export interface FileSourceSpec {
  /** flagd's source id: the configured path (selector `source=<id>`). */
  readonly id: string;
  /** Absolute path of the file or directory. */
  readonly path: string;
}

export const FILE_SOURCE_DEFAULTS = {
  quietMs: 20,
  deletionQuietMs: 200,
  settleMs: 150,
  maxEntries: 10_000,
} as const;

export class FileSource implements FlagSource {
  readonly id: string;
  readonly description: string;
  private readonly table = new EntryTable();
  private readonly cache: ParseCache;
  private readonly watches: WatchSet;
  private readonly scheduler: ReadScheduler;
  private readonly timing: { quietMs: number; deletionQuietMs: number; settleMs: number };
  private readonly maxBytes: number;
  private kind: SourceKind | undefined;
  private listener: SourceListener | undefined;
  private poll: NodeJS.Timeout | undefined;
  private fingerprint = '';
  private closed = false;
  private burstAt: number | undefined;
  /** Since when publishing waits for a vanished file (performance.now()). */
  private holdingSince: number | undefined;
  private emitted: { served: string; problems: string; update: SourceUpdate } | undefined;

  constructor(
    private readonly spec: FileSourceSpec,
    private readonly options: FileSourceOptions,
  ) {
    this.id = spec.id;
    this.description = spec.path;
    this.kind = options.kind;
    this.cache = new ParseCache(options.parse);
    this.maxBytes = options.parse.limits?.maxBytes ?? DEFAULT_LIMITS.maxBytes;
    this.timing = {
      quietMs: options.quietMs ?? FILE_SOURCE_DEFAULTS.quietMs,
      deletionQuietMs: options.deletionQuietMs ?? FILE_SOURCE_DEFAULTS.deletionQuietMs,
      settleMs: options.settleMs ?? FILE_SOURCE_DEFAULTS.settleMs,
    };
    this.watches = new WatchSet({
      onChange: (dir, name) => this.onEvent(`${dir} ${name ?? ''}`),
      onTrace: options.onTrace,
    });
    this.scheduler = new ReadScheduler({
      quietMs: this.timing.quietMs,
      maxWaitMs: this.timing.quietMs * 10,
      read: () => this.scan(false),
    });
  }

  async start(listener: SourceListener): Promise<void> {
    this.listener = listener;
    this.scan(true);
    const pollMs = this.options.pollMs ?? 0;
    if (pollMs > 0 && !this.closed) {
      this.poll = setInterval(() => this.probe(), pollMs);
      this.poll.unref();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.scheduler.cancel();
    clearInterval(this.poll);
    this.watches.close();
  }

  /** Directories watched now (tests). */
  get watchedDirs(): string[] {
    return this.watches.dirs;
  }

  private onEvent(detail: string): void {
    if (this.closed) return;
    this.options.onTrace?.('event', detail);
    this.burstAt ??= performance.now();
    this.scheduler.changed(this.fastPath());
  }

  /** A single JSON file is read on the next turn (see the header). */
  private fastPath(): boolean {
    return this.kind === 'file' && extname(this.spec.path).toLowerCase() === '.json';
  }

  /** The backup poll: looks without reading, and treats any difference as an event. */
  private probe(): void {
    if (this.closed) return;
    const located = locate(this.locateOptions());
    if (located.fingerprint !== this.fingerprint) this.onEvent('poll');
  }

  private locateOptions() {
    return {
      path: this.spec.path,
      display: this.spec.id,
      kind: this.kind,
      maxEntries: this.options.maxEntries ?? FILE_SOURCE_DEFAULTS.maxEntries,
    };
  }

  private scan(initial: boolean): void {
    if (this.closed) return;
    const now = performance.now();
    const located = locate(this.locateOptions());
    this.kind ??= located.kind;
    const scan = scanLocated({
      located,
      display: this.spec.id,
      cache: this.cache,
      maxBytes: this.maxBytes,
    });
    this.fingerprint = located.fingerprint;
    this.table.apply(scan, { now, initial, ...this.timing });
    this.trace(scan);
    // New watches may have missed what happened since the walk: look once more.
    const rearmed = this.watches.arm(located.watches);
    // A file gone for less than the deletion quiet period may be on its way back (git, rsync):
    // publish nothing until it is back or counts as deleted, so every state published is one
    // the files were in at a quiet point.
    if (initial || !this.holding(now)) this.emit(initial);
    if (!scan.stable || rearmed)
      this.scheduler.changed(this.fastPath() && scan.stable, !scan.stable);
    else this.scheduler.settled();
    const wake = this.table.wakeAt(this.timing.settleMs, this.timing.deletionQuietMs);
    if (wake !== undefined) this.scheduler.wakeAt(wake);
    if (scan.stable && !this.table.pending && !this.scheduler.busy) {
      this.burstAt = undefined;
      this.options.onTrace?.('idle', this.spec.id);
    }
  }

  /**
   * Whether to publish nothing yet because a file is gone for less than the deletion quiet
   * period. Bounded: files vanishing one after another hold publishing for at most twice the
   * quiet period, then the source publishes what it has.
   */
  private holding(now: number): boolean {
    if (!this.table.deletionPending) {
      this.holdingSince = undefined;
      return false;
    }
    this.holdingSince ??= now;
    return now - this.holdingSince < 2 * this.timing.deletionQuietMs;
  }

  private trace(scan: Scan): void {
    const trace = this.options.onTrace;
    if (trace === undefined) return;
    const served = this.table.served().length;
    const state = scan.rootProblem ? `bad ${scan.rootProblem.message}` : `ok ${served} served`;
    trace('read', `${scan.stable ? '' : 'unstable '}${state}`);
    for (const problem of this.table.settling()) trace('settling', problem.message);
    if (this.table.deletionPending) trace('deleting', 'a file vanished; waiting for it to return');
  }

  private emit(initial: boolean): void {
    const served = this.table.served();
    const servedKey = served.map((s) => s.key).join('\n');
    const problems = this.table.reported();
    const problemsKey = problems.map((p) => `${p.entry}\0${p.code}\0${p.message}`).join('\n');
    const last = this.emitted;
    if (!initial && last && last.served === servedKey && last.problems === problemsKey) return;
    const configuration =
      last && last.served === servedKey && last.update.configuration
        ? last.update.configuration
        : this.configuration(
            served.map((s) => s.document.configuration!),
            problems.length,
          );
    const update: SourceUpdate = {
      sourceId: this.id,
      configuration,
      problems,
      warnings: served.flatMap((s) => s.document.warnings),
      eventAt: initial ? undefined : this.burstAt,
    };
    this.emitted = { served: servedKey, problems: problemsKey, update };
    this.burstAt = undefined;
    this.listener?.(update);
  }

  /** What the source serves; undefined while it never had anything usable. */
  private configuration(
    documents: FlagConfiguration[],
    problems: number,
  ): FlagConfiguration | undefined {
    if (this.kind === 'file') return documents[0];
    // A directory that is healthy and empty serves no flags; one that never had a valid file,
    // or is not there, serves nothing yet.
    if (documents.length === 0 && this.emitted?.update.configuration === undefined) {
      if (problems > 0 || this.kind === undefined || this.table.hasRootProblem) return undefined;
    }
    return { flags: documents.flatMap((d) => d.flags), metadata: {}, source: this.spec.id };
  }
}
