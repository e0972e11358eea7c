// Conflating fan-out of the newest state to many streams (SyncFlags payloads, EventStream
// views). A stream has at most one write in flight; while it is in flight, newer states replace
// each other in one slot (conflation: a stream that is behind is sent only the newest, never a
// queue of generations). What is written are shared objects (one framed buffer per generation and
// selector, grpc-frames.ts), so a stream that stops reading holds references, not copies, and no
// stream waits for another. A write that has not flushed within `stallMs` (a client that stopped
// reading, or whose connection is gone without a FIN) resets its stream: one sweep timer checks
// the writes in flight, so a stall is detected within 1.25 × stallMs. Per write, the fan-out does
// no more than the transport must: no closure, no timer, no collection to update (each lane has
// one flush callback, made when it opens; a counter says how many writes are in flight).

export interface FanOutOptions {
  /** A write not flushed after this long resets its stream (ms). */
  readonly stallMs: number;
  /** Called once for each stream reset for stalling (logs, metrics). */
  readonly onStall?: (stalledMs: number) => void;
}

/**
 * 30 s: far beyond what a live client needs to take a payload of the 4 MB default --max-msg-size
 * (loopback: milliseconds; 2 Mbit/s: 17 s), short enough that the frames stalled streams hold stay
 * few (with a generation every 100 ms, at most the ~300 of the last 30 s, and in practice the few
 * that were in flight when clients stopped reading).
 */
export const FAN_OUT_DEFAULTS: FanOutOptions = { stallMs: 30_000 };

/**
 * Hands `next` to the transport (`previous`: what the stream was last handed, if anything) and
 * calls `flushed` exactly once when it left the process, failed, or there was nothing to write.
 * `flushed` is the same function for every write of a lane (hand it to the transport as it is);
 * it ignores its arguments, and calls after the lane closed.
 */
export type WriteFn<P> = (next: P, previous: P | undefined, flushed: () => void) => void;

/** One stream in the fan-out. */
export interface Lane<P> {
  /** The newest state handed to the transport. */
  readonly last: P | undefined;
  /** True while no write is in flight. */
  readonly idle: boolean;
}

interface LaneState<P> extends Lane<P> {
  last: P | undefined;
  idle: boolean;
  readonly write: WriteFn<P>;
  readonly reset: () => void;
  /** The newest state not handed over yet. */
  queued: P | undefined;
  hasQueued: boolean;
  /** performance.now() when the write in flight started. */
  startedAt: number;
  closed: boolean;
  /** The lane's one flush callback, handed to every write. */
  flushed: () => void;
}

export interface LaneSink<P> {
  readonly write: WriteFn<P>;
  /** Ends the stream at once (its write has stalled). */
  readonly reset: () => void;
  /** What the stream already has, when it got it some other way (nothing is written for it). */
  readonly initial?: P;
}

export class FanOut<P> {
  /** Open lanes (the sweep looks at those with a write in flight). */
  private readonly lanes = new Set<LaneState<P>>();
  private writing = 0;
  /** One sweep timer for stalled writes, not a timer per write (1,000 writes: ~2 ms of timers). */
  private sweep: NodeJS.Timeout | undefined;
  private stalls = 0;

  constructor(private readonly options: FanOutOptions = FAN_OUT_DEFAULTS) {}

  /** Streams reset because a write did not flush within `stallMs`. */
  get stalledResets(): number {
    return this.stalls;
  }

  /** Writes in flight. */
  get inFlightCount(): number {
    return this.writing;
  }

  open(sink: LaneSink<P>): Lane<P> {
    const lane: LaneState<P> = {
      write: sink.write,
      reset: sink.reset,
      last: sink.initial,
      idle: true,
      queued: undefined,
      hasQueued: false,
      startedAt: 0,
      closed: false,
      flushed: () => this.flushed(lane),
    };
    this.lanes.add(lane);
    return lane;
  }

  /** Makes `state` the lane's next write; nothing is written when the stream already has it. */
  send(handle: Lane<P>, state: P): void {
    const lane = handle as LaneState<P>;
    if (lane.closed) return;
    if (state === lane.last) {
      // Back to what the stream already has (or is getting): drop anything queued.
      lane.queued = undefined;
      lane.hasQueued = false;
      return;
    }
    lane.queued = state;
    lane.hasQueued = true;
    if (lane.idle) this.start(lane);
  }

  /** The stream ended: forget it. */
  close(handle: Lane<P>): void {
    const lane = handle as LaneState<P>;
    if (lane.closed) return;
    lane.closed = true;
    lane.queued = undefined;
    lane.hasQueued = false;
    this.lanes.delete(lane);
    // Its write may never complete (a cancelled grpc-js call never calls back): not in flight.
    if (!lane.idle) this.writing--;
    lane.idle = true;
  }

  private start(lane: LaneState<P>): void {
    const next = lane.queued as P;
    const previous = lane.last;
    lane.queued = undefined;
    lane.hasQueued = false;
    lane.last = next;
    lane.idle = false;
    lane.startedAt = performance.now();
    this.writing++;
    this.sweep ??= setTimeout(() => this.sweepStalled(), this.options.stallMs / 4).unref();
    lane.write(next, previous, lane.flushed);
  }

  private flushed(lane: LaneState<P>): void {
    // Idle: the lane was closed while the write was in flight.
    if (lane.idle) return;
    lane.idle = true;
    this.writing--;
    if (lane.hasQueued) this.start(lane);
  }

  /** Resets the streams whose write is older than stallMs. */
  private sweepStalled(): void {
    this.sweep = undefined;
    const now = performance.now();
    for (const lane of this.lanes) {
      if (lane.idle) continue;
      const age = now - lane.startedAt;
      if (age < this.options.stallMs) continue;
      this.stalls++;
      this.close(lane);
      lane.reset();
      this.options.onStall?.(age);
    }
    if (this.writing > 0) {
      this.sweep = setTimeout(() => this.sweepStalled(), this.options.stallMs / 4).unref();
    }
  }
}
