// When the file source reads next: on the next turn (fast path), after a quiet period with no
// event (capped, so a directory that never holds still is still read), with a growing pause
// while files keep changing under the reads, or at a deadline the entry table asks for (a
// problem done settling, a vanished file's quiet period over). Events never postpone such a
// deadline. One timer at a time, for the earliest of the two.
import { performance } from 'node:perf_hooks';

export interface ReadSchedulerOptions {
  readonly quietMs: number;
  /** The longest a stream of events can postpone a read. */
  readonly maxWaitMs: number;
  readonly read: () => void;
}

/** Reads that find files changing under them back off: quiet, 2×, 4×, 8× quiet at most. */
const MAX_BACKOFF_STEPS = 3;

/** `due` 0 means: on the next turn, after the events already queued. */
const NEXT_TURN = 0;

export class ReadScheduler {
  private timer: { readonly at: number; readonly cancel: () => void } | undefined;
  /** When the read an event asks for is due. */
  private eventDue: number | undefined;
  /** When the read a deadline asks for is due. */
  private deadlineDue: number | undefined;
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
      this.eventDue = NEXT_TURN;
    } else {
      const steps = Math.min(this.unstableReads, MAX_BACKOFF_STEPS);
      const quiet = now + this.options.quietMs * 2 ** steps;
      const cap = this.firstChangeAt + this.options.maxWaitMs;
      this.eventDue = unstable ? quiet : Math.min(quiet, cap);
    }
    this.arm();
  }

  /** The last read saw the files holding still. */
  settled(): void {
    this.unstableReads = 0;
  }

  /** Reads no later than `at` (performance.now() time). */
  wakeAt(at: number): void {
    this.deadlineDue = Math.min(this.deadlineDue ?? at, Math.max(at, 1));
    this.arm();
  }

  cancel(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.eventDue = undefined;
    this.deadlineDue = undefined;
  }

  private arm(): void {
    const at = Math.min(
      this.eventDue ?? Number.POSITIVE_INFINITY,
      this.deadlineDue ?? Number.POSITIVE_INFINITY,
    );
    if (this.timer?.at === at) return;
    this.timer?.cancel();
    const run = () => {
      this.timer = undefined;
      this.eventDue = undefined;
      this.deadlineDue = undefined;
      this.firstChangeAt = undefined;
      this.options.read();
    };
    if (at === NEXT_TURN) {
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
