// When the file source reads next: on the next turn (fast path), after a quiet period with no
// event (capped, so a directory that never holds still is still read), with a growing pause
// while files keep changing under the reads, or at a deadline the entry table asks for
// (a problem done settling, a vanished file's quiet period over). One timer at a time.
import { performance } from 'node:perf_hooks';

export interface ReadSchedulerOptions {
  readonly quietMs: number;
  /** The longest a stream of events can postpone a read. */
  readonly maxWaitMs: number;
  readonly read: () => void;
}

/** Reads that find files changing under them back off: quiet, 2×, 4×, 8× quiet at most. */
const MAX_BACKOFF_STEPS = 3;

export class ReadScheduler {
  private timer: { readonly at: number; readonly cancel: () => void } | undefined;
  private firstChangeAt: number | undefined;
  private unstableReads = 0;

  constructor(private readonly options: ReadSchedulerOptions) {}

  /** A read is scheduled. */
  get busy(): boolean {
    return this.timer !== undefined;
  }

  /**
   * Something changed. `fast`: read on the next turn. `unstable`: the last read saw files
   * changing under it, so wait longer each time.
   */
  changed(fast: boolean, unstable = false): void {
    const now = performance.now();
    if (unstable) this.unstableReads++;
    this.firstChangeAt ??= now;
    if (fast && this.unstableReads === 0) {
      if (this.timer?.at !== 0) this.set(0);
      return;
    }
    const steps = Math.min(this.unstableReads, MAX_BACKOFF_STEPS);
    const quiet = now + this.options.quietMs * 2 ** steps;
    this.set(unstable ? quiet : Math.min(quiet, this.firstChangeAt + this.options.maxWaitMs));
  }

  /** The last read saw the files holding still. */
  settled(): void {
    this.unstableReads = 0;
  }

  /** Reads no later than `at` (performance.now() time). */
  wakeAt(at: number): void {
    if (this.timer === undefined || this.timer.at > at) this.set(Math.max(at, 1));
  }

  cancel(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }

  /** `at` 0: on the next turn, after the events already queued. */
  private set(at: number): void {
    this.cancel();
    const run = () => {
      this.timer = undefined;
      this.firstChangeAt = undefined;
      this.options.read();
    };
    if (at === 0) {
      const immediate = setImmediate(run);
      immediate.unref();
      this.timer = { at, cancel: () => clearImmediate(immediate) };
      return;
    }
    const handle = setTimeout(run, Math.max(0, at - performance.now()));
    handle.unref();
    this.timer = { at, cancel: () => clearTimeout(handle) };
  }
}
