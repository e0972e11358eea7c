// The events of one stream for a pull-based transport (Connect and gRPC-Web yield them from an
// async iterator): a bounded queue. An event counts as flushed once the transport pulls it,
// which it does as its writes drain, so the fan-out conflates for a client that reads slowly
// (event-stream.ts: one change event in flight) and resets it when it stops reading; the queue
// holds little more than provider_ready, that event and a keep_alive. A client that still
// gets MAX_QUEUED events behind is cut off with RESOURCE_EXHAUSTED; it reconnects and starts
// again from provider_ready.
import type { EventSink, StreamEvent } from './event-stream.js';
import { STATUS } from './status.js';
import type { CallFailure } from './status.js';

export const MAX_QUEUED_EVENTS = 256;

/** Thrown by the iterator when the stream ends with a status. */
export class StreamFailure extends Error {
  constructor(readonly failure: CallFailure) {
    super(failure.message);
  }
}

interface Queued {
  readonly event: StreamEvent;
  readonly flushed: () => void;
}

export class EventQueue implements EventSink, AsyncIterable<StreamEvent> {
  private readonly queued: Queued[] = [];
  private waiting: (() => void) | undefined;
  private ended = false;
  private failure: CallFailure | undefined;

  write(event: StreamEvent, flushed: () => void): void {
    if (this.ended) {
      flushed();
      return;
    }
    if (this.queued.length >= MAX_QUEUED_EVENTS) {
      this.fail({
        code: STATUS.RESOURCE_EXHAUSTED,
        message: `the client read none of the last ${MAX_QUEUED_EVENTS} events`,
      });
      flushed();
      return;
    }
    this.queued.push({ event, flushed });
    this.wake();
  }

  reset(): void {
    this.fail({
      code: STATUS.RESOURCE_EXHAUSTED,
      message: 'the client took no event for too long',
    });
  }

  end(): void {
    this.ended = true;
    this.wake();
  }

  fail(failure: CallFailure): void {
    if (this.ended) return;
    this.failure = failure;
    for (const { flushed } of this.queued.splice(0)) flushed();
    this.end();
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<StreamEvent> {
    for (;;) {
      const next = this.queued.shift();
      if (next !== undefined) {
        // Pulled: the transport wrote what it had before.
        next.flushed();
        yield next.event;
        continue;
      }
      if (this.failure) throw new StreamFailure(this.failure);
      if (this.ended) return;
      await new Promise<void>((resolve) => {
        this.waiting = resolve;
      });
    }
  }
}
