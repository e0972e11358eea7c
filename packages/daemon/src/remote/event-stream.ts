// EventStream of flagd.evaluation v1 and v2 (https://flagd.dev/reference/specifications/protos/,
// open-feature/flagd: flagd/pkg/service/flag-evaluation/eventing.go): provider_ready on subscribe,
// configuration_change with a per-flag write/update/delete diff of the caller's selector view,
// keep_alive after an idle interval (flagd: 20 s), provider_shutdown on close. Streams are grouped
// by selector: each generation is diffed and encoded once per group. Transport-neutral: each
// protocol subscribes with an EventSink (grpc-handlers.ts writes the encoded bytes,
// connect-handlers.ts yields the messages).
import { encode, evaluationV2, preEncoded } from '@switchyard/protocol';
import type { PreEncoded } from '@switchyard/protocol';
import type { JsonObject } from '../engine.js';
import type { Logger } from '../logger.js';
import type { Generation } from '../store/generation.js';
import { sameFlag } from '../store/merge.js';
import type { Selector } from '../store/selector.js';
import type { FlagView } from '../store/view.js';
import type { CallFailure } from './status.js';
import { STATUS } from './status.js';

export const KEEP_ALIVE_MS = 20_000;

export type FlagChangeType = 'write' | 'update' | 'delete';

export interface EventStreamOptions {
  /** The selector's view of the current generation. */
  readonly view: (selector: Selector) => FlagView;
  /** keep_alive after this long without a message (flagd: 20 s). */
  readonly keepAliveMs: number;
  /** Server-side stream deadline (`--stream-deadline`; 0 = none). */
  readonly streamDeadlineMs: number;
  readonly logger: Logger;
}

/** One EventStreamResponse: the message and its protobuf encoding (v1 and v2 share it). */
export interface StreamEvent {
  readonly message: { readonly type: string; readonly data: JsonObject };
  readonly bytes: PreEncoded;
}

/** Where a transport receives the events of one stream. */
export interface EventSink {
  write(event: StreamEvent): void;
  /** The stream ends normally (after provider_shutdown). */
  end(): void;
  /** The stream ends with a status (the server-side deadline, shutdown before subscribing). */
  fail(failure: CallFailure): void;
}

// v1 and v2 EventStreamResponse are the same fields with the same numbers, so one encoding
// serves both.
function streamEvent(type: string, data: JsonObject): StreamEvent {
  return {
    message: { type, data },
    bytes: preEncoded(
      encode(evaluationV2.EventStreamResponseSchema, {
        $typeName: 'flagd.evaluation.v2.EventStreamResponse',
        type,
        data,
      }),
    ),
  };
}

const PROVIDER_READY = streamEvent('provider_ready', {});
const KEEP_ALIVE = streamEvent('keep_alive', {});
const PROVIDER_SHUTDOWN = streamEvent('provider_shutdown', {});

interface Stream {
  readonly sink: EventSink;
  readonly keepAlive: NodeJS.Timeout;
  readonly deadline: NodeJS.Timeout | undefined;
}

interface Group {
  readonly selector: Selector;
  view: FlagView;
  readonly streams: Set<Stream>;
}

/** The per-flag change set between two views of one selector (flagd's notifications). */
export function flagChanges(before: FlagView, after: FlagView): Record<string, FlagChangeType> {
  const changes: Record<string, FlagChangeType> = {};
  for (const [key, flag] of after.flags) {
    const was = before.flags.get(key);
    if (was === undefined) changes[key] = 'write';
    else if (!sameFlag(was, flag)) changes[key] = 'update';
  }
  for (const key of before.flags.keys()) if (!after.flags.has(key)) changes[key] = 'delete';
  return changes;
}

export class EventStreams {
  private readonly groups = new Map<string, Group>();
  private closing = false;

  constructor(private readonly options: EventStreamOptions) {}

  get size(): number {
    let n = 0;
    for (const group of this.groups.values()) n += group.streams.size;
    return n;
  }

  /**
   * Subscribes a stream of `selector`'s view: provider_ready at once, then changes. Returns the
   * function the transport calls when the client goes away (idempotent).
   */
  subscribe(selector: Selector, sink: EventSink): () => void {
    if (this.closing) {
      sink.fail({ code: STATUS.UNAVAILABLE, message: 'switchyard is shutting down' });
      return () => {};
    }
    const key = selector.key;
    let group = this.groups.get(key);
    if (group === undefined) {
      group = { selector, view: this.options.view(selector), streams: new Set() };
      this.groups.set(key, group);
    }
    const owner = group;
    const keepAlive = setTimeout(() => this.write(stream, KEEP_ALIVE), this.options.keepAliveMs);
    keepAlive.unref();
    const deadline =
      this.options.streamDeadlineMs > 0
        ? setTimeout(() => {
            remove();
            sink.fail({
              code: STATUS.DEADLINE_EXCEEDED,
              message: 'stream closed due to server-side timeout',
            });
          }, this.options.streamDeadlineMs)
        : undefined;
    const stream: Stream = { sink, keepAlive, deadline };
    let removed = false;
    const remove = () => {
      if (removed) return;
      removed = true;
      clearTimeout(keepAlive);
      clearTimeout(deadline);
      owner.streams.delete(stream);
      if (owner.streams.size === 0 && this.groups.get(key) === owner) this.groups.delete(key);
    };
    owner.streams.add(stream);
    this.options.logger.debug({ selector: key }, 'event stream opened');
    this.write(stream, PROVIDER_READY);
    return remove;
  }

  /** Sends each group the flags its selector's view gained, changed or lost. */
  publish(generation: Generation): void {
    for (const group of this.groups.values()) {
      const next = generation.view(group.selector);
      const changes = flagChanges(group.view, next);
      group.view = next;
      const keys = Object.keys(changes);
      if (keys.length === 0) continue;
      const flags: JsonObject = {};
      for (const key of keys) flags[key] = { type: changes[key]! };
      const event = streamEvent('configuration_change', { flags });
      for (const stream of group.streams) this.write(stream, event);
    }
  }

  private write(stream: Stream, event: StreamEvent): void {
    stream.sink.write(event);
    // keep_alive only after `keepAliveMs` without any message.
    stream.keepAlive.refresh();
  }

  /** provider_shutdown to every stream, then ends them. */
  close(): void {
    this.closing = true;
    for (const group of this.groups.values()) {
      for (const stream of [...group.streams]) {
        clearTimeout(stream.keepAlive);
        clearTimeout(stream.deadline);
        stream.sink.write(PROVIDER_SHUTDOWN);
        stream.sink.end();
      }
    }
    this.groups.clear();
  }
}
