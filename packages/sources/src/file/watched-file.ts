// One file that is not a flag document (a daemon's --auth-config, a TLS certificate or key),
// watched with the machinery of the file source: the same walk (symbolic links, a Kubernetes
// ConfigMap's `..data` swap), the same watches on every directory the path depends on, the same
// safe bounded read and the same quiet period, so a save in several writes is read once. The
// consumer gets the file's bytes (or why there are none) each time they change, and decides.
import { performance } from 'node:perf_hooks';
import type { SourceProblemCode } from '../flag-source.js';
import { locate } from './locate.js';
import { readEntry } from './read-entry.js';
import { ReadScheduler } from './read-scheduler.js';
import { WatchSet } from './watch-set.js';

export type WatchedContent =
  | { readonly ok: true; readonly bytes: Buffer }
  | { readonly ok: false; readonly code: SourceProblemCode; readonly reason: string };

export interface WatchedFileOptions {
  /** Absolute path of the file. */
  readonly path: string;
  /** The largest file read (bytes); above it the content is a TOO_LARGE fault. */
  readonly maxBytes: number;
  /** Called with the content when it differs from the last one reported (never for the first). */
  readonly onChange: (content: WatchedContent) => void;
  /** Quiet period before a read after an event (ms, default 20). */
  readonly quietMs?: number | undefined;
  /** Backup stat poll for file systems without reliable events (ms, 0 = off, the default). */
  readonly pollMs?: number | undefined;
  readonly onTrace?: ((event: string, detail: string) => void) | undefined;
}

const sameContent = (a: WatchedContent, b: WatchedContent) =>
  a.ok && b.ok ? a.bytes.equals(b.bytes) : !a.ok && !b.ok && a.reason === b.reason;

export class WatchedFile {
  private readonly watches: WatchSet;
  private readonly scheduler: ReadScheduler;
  private poll: NodeJS.Timeout | undefined;
  private fingerprint = '';
  private last: WatchedContent;
  private closed = false;

  /** Reads the file at once (see `content`) and watches it from then on. */
  constructor(private readonly options: WatchedFileOptions) {
    const quietMs = options.quietMs ?? 20;
    this.watches = new WatchSet({
      onChange: (dir, name) => this.onEvent(`${dir} ${name ?? ''}`),
      onTrace: options.onTrace,
    });
    this.scheduler = new ReadScheduler({
      quietMs,
      maxWaitMs: quietMs * 10,
      read: () => this.read(),
    });
    this.last = this.look().content;
    const pollMs = options.pollMs ?? 0;
    if (pollMs > 0) {
      this.poll = setInterval(() => this.probe(), pollMs);
      this.poll.unref();
    }
  }

  /** The content as last read. */
  get content(): WatchedContent {
    return this.last;
  }

  close(): void {
    this.closed = true;
    this.scheduler.cancel();
    clearInterval(this.poll);
    this.watches.close();
  }

  private onEvent(detail: string): void {
    if (this.closed) return;
    this.options.onTrace?.('event', detail);
    this.scheduler.changed(false);
  }

  private probe(): void {
    if (this.closed) return;
    const located = locate(this.locateOptions());
    if (located.fingerprint !== this.fingerprint) this.onEvent('poll');
  }

  private locateOptions() {
    return {
      path: this.options.path,
      display: this.options.path,
      kind: 'file' as const,
      maxEntries: 1,
    };
  }

  /** Locates, reads and (re)arms the watches; `stable` false: something moved under the read. */
  private look(): { content: WatchedContent; stable: boolean } {
    const located = locate(this.locateOptions());
    this.fingerprint = located.fingerprint;
    const rearmed = this.watches.arm(located.watches);
    const entry = located.entries[0];
    if (entry === undefined || 'fault' in entry.target) {
      const fault = entry && 'fault' in entry.target ? entry.target.fault : located.rootFault;
      const content: WatchedContent = {
        ok: false,
        code: fault?.code ?? 'MISSING',
        reason: fault?.reason ?? 'no such file or directory (ENOENT)',
      };
      return { content, stable: !rearmed };
    }
    const read = readEntry(entry.target.path, entry.target.stats, this.options.maxBytes);
    const content: WatchedContent = read.ok
      ? { ok: true, bytes: Buffer.from(read.text, 'utf8') }
      : { ok: false, code: read.fault.code, reason: read.fault.reason };
    return { content, stable: read.stable && !rearmed };
  }

  private read(): void {
    if (this.closed) return;
    const started = performance.now();
    const { content, stable } = this.look();
    this.options.onTrace?.(
      'read',
      `${this.options.path} in ${(performance.now() - started).toFixed(1)} ms`,
    );
    if (!stable) {
      // A writer is at work (or new watches may have missed a change): look again shortly.
      this.scheduler.changed(false, true);
      return;
    }
    this.scheduler.settled();
    if (sameContent(content, this.last)) return;
    this.last = content;
    this.options.onChange(content);
  }
}
