// The audit trail: one entry per published generation (rejected edits publish nothing, so they
// leave no entry), built off the publish path, enriched with git state asynchronously and written
// strictly in generation order: to the `--audit-log` file, to the structured log, to a bounded
// ring for `GET /audit`, then to subscribers.
// Building an entry (comparing flags, hashing the payload, git) starts `delayMs` after the last
// generation, not at once: a generation is delivered to many streams over many event-loop turns
// (flow control), and work squeezed between them delayed delivery to 100 streams by ~10 ms.
// The entry's model, the flag comparison and the git lookup are @switchyard/gitops's; this file
// is the daemon's side: the store subscription, the timing, the ring and the file.
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  type AuditEntry,
  type AuditView,
  compareFlags,
  GitResolver,
  type GitRunner,
} from '@switchyard/gitops';
import type { Logger } from '../logger.js';
import type { Generation } from '../store/generation.js';
import type { GenerationStore } from '../store/generation-store.js';
import type { MergedFlag } from '../store/merge.js';
import { ALL_FLAGS } from '../store/selector.js';
import { flagConfigurationJson } from '../sync/flag-configuration.js';
import { AuditFile } from './audit-file.js';

export interface AuditTrailOptions {
  /** Source ids and the paths behind them (for git). */
  readonly sources: readonly { readonly id: string; readonly path: string }[];
  readonly logger: Logger;
  /** Entries kept in memory for `recent()` (default 100). */
  readonly capacity?: number;
  /**
   * Quiet time after a generation before its entry is built (default 30 ms: delivery of a
   * 25 KB payload to 100 streams takes 15-20 ms at p50 on a loaded 2-core box). A newer
   * generation restarts the wait, up to `maxDelayMs` after the oldest waiting one.
   */
  readonly delayMs?: number;
  /** Default 1,000 ms: a steady stream of generations still gets its entries. */
  readonly maxDelayMs?: number;
  /** Runs git (tests count the processes). */
  readonly git?: GitRunner;
}

export class AuditTrail implements AuditView {
  private readonly paths: Map<string, string>;
  private readonly capacity: number;
  private readonly git: GitResolver;
  /**
   * The recent entries as their JSON lines: an entry of a generation that changed 100 flags is
   * ~700 small objects but one flat string, which costs the GC next to nothing to keep (held as
   * objects, the ring was 7 MB the minor GC copied and promoted piece by piece).
   */
  private readonly ring: string[] = [];
  private readonly listeners = new Set<(entry: AuditEntry) => void>();
  private readonly unsubscribe: () => void;
  private file: Promise<AuditFile | undefined> = Promise.resolve(undefined);
  private previous: readonly MergedFlag[] = [];
  private tail: Promise<void> = Promise.resolve();
  /** Generations waiting for the quiet time, oldest first, with the flags before each. */
  private pending: { generation: Generation; previous: readonly MergedFlag[] }[] = [];
  private pendingSince = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly delayMs: number;
  private readonly maxDelayMs: number;

  /** Subscribes at once: create it before the store publishes its first generation. */
  constructor(
    store: GenerationStore,
    private readonly options: AuditTrailOptions,
  ) {
    this.paths = new Map(options.sources.map((s) => [s.id, s.path]));
    this.capacity = options.capacity ?? 100;
    this.delayMs = options.delayMs ?? 30;
    this.maxDelayMs = options.maxDelayMs ?? 1000;
    this.git = new GitResolver((message) => options.logger.debug(`audit: ${message}`), options.git);
    this.unsubscribe = store.subscribe((event) => {
      if (event.type === 'generation') this.record(event.generation);
    });
  }

  /** Opens the JSON-lines file entries are appended to; rejects with a StartupError. */
  async open(path: string): Promise<void> {
    this.file = AuditFile.open(path);
    await this.file;
  }

  recent(limit?: number): readonly AuditEntry[] {
    return this.recentLines(limit).map((line) => JSON.parse(line) as AuditEntry);
  }

  /** The most recent entries' JSON lines, oldest first (GET /audit joins them as they are). */
  recentLines(limit?: number): readonly string[] {
    return limit === undefined
      ? [...this.ring]
      : this.ring.slice(Math.max(0, this.ring.length - limit));
  }

  subscribe(listener: (entry: AuditEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops recording, writes the entries still being resolved and closes the file. */
  async close(): Promise<void> {
    this.unsubscribe();
    this.flush();
    await this.tail;
    const file = await this.file.catch(() => undefined);
    await file?.close();
  }

  /** Runs inside the store's emit, right after the transports: only remember the generation. */
  private record(generation: Generation): void {
    const now = performance.now();
    if (this.pending.length === 0) this.pendingSince = now;
    this.pending.push({ generation, previous: this.previous });
    this.previous = generation.flags;
    if (this.timer !== undefined) {
      if (now - this.pendingSince >= this.maxDelayMs) return; // waited long enough: keep it
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => this.flush(), this.delayMs);
    this.timer.unref(); // close() flushes; a pending entry must not keep a process alive
  }

  /** Queues the waiting generations' entries behind the earlier ones, in generation order. */
  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    for (const { generation, previous } of batch) {
      this.tail = this.tail
        .then(() => this.build(generation, previous))
        .then((e) => this.write(e))
        .catch((error: Error) =>
          this.options.logger.error(
            { generation: generation.number, err: error },
            `audit: no entry for generation ${generation.number}: ${error.message}`,
          ),
        );
    }
  }

  private async build(
    generation: Generation,
    previous: readonly MergedFlag[],
  ): Promise<AuditEntry> {
    const json = flagConfigurationJson(generation.view(ALL_FLAGS));
    const changes = compareFlags(previous, generation.flags);
    const git = await this.git.resolve(
      generation.sources.flatMap((source) => {
        const path = this.paths.get(source);
        return path === undefined ? [] : [{ source, path }];
      }),
    );
    return {
      generation: generation.number,
      time: new Date(performance.timeOrigin + generation.publishedAt).toISOString(),
      sources: generation.sources,
      hash: `sha256:${createHash('sha256').update(json).digest('hex')}`,
      flags: generation.flags.length,
      ...changes,
      git,
    };
  }

  private async write(entry: AuditEntry): Promise<void> {
    const line = JSON.stringify(entry);
    const file = await this.file.catch(() => undefined);
    if (file) {
      await file
        .append(line)
        .catch((error: Error) =>
          this.options.logger.error(
            { generation: entry.generation, err: error },
            `audit: cannot append generation ${entry.generation} to ${file.path}: ${error.message}`,
          ),
        );
    }
    this.ring.push(line);
    if (this.ring.length > this.capacity) this.ring.shift();
    this.options.logger.info({ audit: forLog(entry) }, describe(entry));
    for (const listener of this.listeners) listener(entry);
  }
}

const LOG_LIST_LIMIT = 25;

/** The entry for the log line: a first load of thousands of flags must not become one huge line. */
function forLog(e: AuditEntry): AuditEntry | (AuditEntry & { truncated: true }) {
  const long = [e.added, e.changed, e.removed].some((list) => list.length > LOG_LIST_LIMIT);
  if (!long) return e;
  return {
    ...e,
    added: e.added.slice(0, LOG_LIST_LIMIT),
    changed: e.changed.slice(0, LOG_LIST_LIMIT),
    removed: e.removed.slice(0, LOG_LIST_LIMIT),
    truncated: true, // the counts are in the message; the file and GET /audit hold every flag
  };
}

function describe(e: AuditEntry): string {
  const at = e.git.map(
    (g) =>
      `${g.source} at ${g.head.slice(0, 12)}${g.dirty ? ' (dirty)' : ''}${g.commit ? `, last changed in ${g.commit.sha.slice(0, 12)} by ${g.commit.author}` : ''}`,
  );
  return `audit: generation ${e.generation} ${e.hash.slice(0, 19)}: ${e.added.length} added, ${e.changed.length} changed, ${e.removed.length} removed${at.length > 0 ? `; ${at.join('; ')}` : ''}`;
}
