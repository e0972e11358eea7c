// Bounded fan-out of pre-encoded payloads to many streams. grpc-js frames every message into a
// fresh buffer per stream (5-byte header + a copy of the bytes) and keeps it until the socket
// took it, so writing a 2 MB payload to 1,000 streams at once holds 1,000 copies (2 GB). Here a
// stream may have at most one unflushed message, and all streams together at most `budgetBytes`
// of them: the rest wait in arrival order. A waiting stream only ever needs the newest payload,
// so a newer one replaces its queued one (never a queue of generations per stream). A stream
// whose write does not flush within `stallMs` (a stalled or very slow client; checked by one
// sweep timer, so within 1.5 × stallMs) gives its share of the budget back so it cannot hold up
// the others; it keeps its one unflushed message and gets
// nothing more until that flushes.
import type { SyncPayload } from './sync-payload.js';

export interface FanOutOptions {
  /** Bytes of unflushed messages across all streams (one stream may always write). */
  readonly budgetBytes: number;
  /** A write not flushed after this long stops counting against the budget (ms). */
  readonly stallMs: number;
}

/**
 * Chosen by measurement (npm run bench, 2-core box): with 16 MB a 20-30 KB payload goes to 500+
 * streams at once, and 1,000 streams get it as fast as from the unbounded floor; a 2.5 MB payload
 * (10,000 flags) has 6 writes in flight, which delivers to 1,000 streams as fast as 16, 32 or
 * unbounded (the clients' flow-control windows are the limit on loopback), with peak RSS 186 MB
 * while they connect (32 MB: 255 MB; unbounded: 2.6 GB).
 */
export const FAN_OUT_DEFAULTS: FanOutOptions = { budgetBytes: 16 * 2 ** 20, stallMs: 2000 };

/** Hands a payload to the transport and calls `flushed` once it left the process (or failed). */
export type WriteFn = (payload: SyncPayload, flushed: () => void) => void;

/** One stream's state in the fan-out. */
export interface Lane {
  /** The newest payload handed to the transport. */
  readonly last: SyncPayload | undefined;
}

interface LaneState extends Lane {
  last: SyncPayload | undefined;
  readonly write: WriteFn;
  /** The newest payload not handed over yet. */
  queued: SyncPayload | undefined;
  /** A write is not flushed yet. */
  flushing: boolean;
  /** Bytes of the budget this lane holds (0: none). */
  held: number;
  holding: boolean;
  /** performance.now() when the current write started. */
  startedAt: number;
  closed: boolean;
}

const sizeOf = (payload: SyncPayload) => payload.syncMessage.preEncoded.byteLength + 5;

export class FanOut {
  private inFlight = 0;
  private holders = 0;
  /** Lanes with a queued payload waiting for budget, in arrival order. */
  private readonly waiting = new Set<LaneState>();
  /** Lanes holding budget, oldest write first (insertion order). */
  private readonly holding = new Set<LaneState>();
  /** One sweep timer for stalled writes, not a timer per write (1,000 writes: ~2 ms of timers). */
  private sweep: NodeJS.Timeout | undefined;
  private stalls = 0;

  constructor(private readonly options: FanOutOptions = FAN_OUT_DEFAULTS) {}

  /** Bytes of unflushed messages counted against the budget. */
  get inFlightBytes(): number {
    return this.inFlight;
  }

  /** Lanes waiting for budget. */
  get waitingCount(): number {
    return this.waiting.size;
  }

  /** Writes that gave their budget back because they did not flush within `stallMs`. */
  get stalledWrites(): number {
    return this.stalls;
  }

  open(write: WriteFn): Lane {
    const lane: LaneState = {
      write,
      last: undefined,
      queued: undefined,
      flushing: false,
      held: 0,
      holding: false,
      startedAt: 0,
      closed: false,
    };
    return lane;
  }

  /** Makes `payload` the lane's next message; nothing is sent when it is already the newest. */
  send(handle: Lane, payload: SyncPayload): void {
    const lane = handle as LaneState;
    if (lane.closed) return;
    if (payload === lane.last) {
      // Back to what the stream already has (or is getting): drop anything older queued.
      lane.queued = undefined;
      this.waiting.delete(lane);
      return;
    }
    lane.queued = payload;
    if (lane.flushing || this.waiting.has(lane)) return; // picked up when it flushes / its turn
    if (this.waiting.size === 0 && this.fits(payload)) this.start(lane);
    else this.waiting.add(lane);
  }

  /** The stream ended: forget it and give its budget back. */
  close(handle: Lane): void {
    const lane = handle as LaneState;
    if (lane.closed) return;
    lane.closed = true;
    lane.queued = undefined;
    this.waiting.delete(lane);
    this.release(lane);
    this.pump();
  }

  private fits(payload: SyncPayload): boolean {
    return this.holders === 0 || this.inFlight + sizeOf(payload) <= this.options.budgetBytes;
  }

  private start(lane: LaneState): void {
    const payload = lane.queued!;
    lane.queued = undefined;
    lane.last = payload;
    lane.flushing = true;
    lane.holding = true;
    lane.held = sizeOf(payload);
    lane.startedAt = performance.now();
    this.inFlight += lane.held;
    this.holders++;
    this.holding.add(lane);
    this.sweep ??= setTimeout(() => this.sweepStalled(), this.options.stallMs / 2).unref();
    let done = false;
    lane.write(payload, () => {
      if (done) return;
      done = true;
      this.flushed(lane);
    });
  }

  private flushed(lane: LaneState): void {
    lane.flushing = false;
    this.release(lane);
    if (!lane.closed && lane.queued) this.waiting.add(lane);
    this.pump();
  }

  private release(lane: LaneState): void {
    if (!lane.holding) return;
    lane.holding = false;
    this.holding.delete(lane);
    this.inFlight -= lane.held;
    this.holders--;
    lane.held = 0;
  }

  /** Writes older than stallMs give their budget back (detected within 1.5 × stallMs). */
  private sweepStalled(): void {
    this.sweep = undefined;
    const now = performance.now();
    for (const lane of this.holding) {
      if (now - lane.startedAt < this.options.stallMs) break;
      this.stalls++;
      this.release(lane);
    }
    this.pump();
    if (this.holding.size > 0) {
      this.sweep = setTimeout(() => this.sweepStalled(), this.options.stallMs / 2).unref();
    }
  }

  private pump(): void {
    for (const lane of this.waiting) {
      if (!this.fits(lane.queued!)) return;
      this.waiting.delete(lane);
      this.start(lane);
    }
  }
}
