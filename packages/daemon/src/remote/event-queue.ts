// The events of one stream for a pull-based transport (Connect and gRPC-Web yield them from an
// async iterator): a bounded queue. A client that stops reading is cut off with
// RESOURCE_EXHAUSTED once MAX_QUEUED events wait, instead of growing without bound; it
// reconnects and starts again from provider_ready.
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

export class EventQueue implements EventSink, AsyncIterable<StreamEvent> {
  private readonly queued: StreamEvent[] = [];
  private waiting: (() => void) | undefined;
  private ended = false;
  private failure: CallFailure | undefined;

  write(event: StreamEvent): void {
    if (this.ended) return;
    if (this.queued.length >= MAX_QUEUED_EVENTS) {
      this.fail({
        code: STATUS.RESOURCE_EXHAUSTED,
        message: `the client read none of the last ${MAX_QUEUED_EVENTS} events`,
      });
      return;
    }
    this.queued.push(event);
    this.wake();
  }

  end(): void {
    this.ended = true;
    this.wake();
  }

  fail(failure: CallFailure): void {
    if (this.ended) return;
    this.failure = failure;
    this.queued.length = 0;
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
        yield next;
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
