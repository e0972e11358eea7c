// EventStream of flagd.evaluation v1 and v2 (https://flagd.dev/reference/specifications/protos/,
// open-feature/flagd: flagd/pkg/service/flag-evaluation/eventing.go): provider_ready on subscribe,
// configuration_change with a per-flag write/update/delete diff of the caller's selector view,
// keep_alive after an idle interval (flagd: 20 s), provider_shutdown on close. Streams are grouped
// by selector: each generation is diffed and encoded once per group, and the framed bytes are
// shared by the group's streams. Writes go through the same conflating fan-out as SyncFlags
// (sync/fan-out.ts): a stream that is behind is later sent one diff from the view it has to the
// newest, never a backlog, and a stream whose write stalls is reset. Transport-neutral: each
// protocol subscribes with an EventSink (grpc-handlers.ts writes the shared frames to the HTTP/2
// stream, connect-handlers.ts yields the messages).
import { encode, evaluationV2 } from '@switchyard/protocol';
import type { JsonObject } from '../engine.js';
import { grpcFrame } from '../grpc-frames.js';
import type { GrpcFrame } from '../grpc-frames.js';
import type { Logger } from '../logger.js';
import type { Generation } from '../store/generation.js';
import { sameFlag } from '../store/merge.js';
import type { Selector } from '../store/selector.js';
import type { FlagView } from '../store/view.js';
import { FAN_OUT_DEFAULTS, FanOut } from '../sync/fan-out.js';
import type { Lane } from '../sync/fan-out.js';
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
  /** A write not flushed after this long resets its stream (default FAN_OUT_DEFAULTS.stallMs). */
  readonly stallMs?: number;
  /** Called for each stream reset for stalling. */
  readonly onStall?: (stalledMs: number) => void;
  readonly logger: Logger;
}

/** One EventStreamResponse: the message and its framed protobuf encoding (v1 and v2 share it). */
export interface StreamEvent {
  readonly message: { readonly type: string; readonly data: JsonObject };
  readonly frame: GrpcFrame;
}

/** Where a transport receives the events of one stream. */
export interface EventSink {
  /** Hands an event over; `flushed` once the transport took it (or the stream is gone). */
  write(event: StreamEvent, flushed: () => void): void;
  /** The stream ends normally (after provider_shutdown). */
  end(): void;
  /** The stream ends with a status (the server-side deadline, shutdown before subscribing). */
  fail(failure: CallFailure): void;
  /** Ends the stream at once, dropping what is queued: its client stopped reading. */
  reset(): void;
}

// v1 and v2 EventStreamResponse are the same fields with the same numbers, so one encoding
// serves both.
function streamEvent(type: string, data: JsonObject): StreamEvent {
  return {
    message: { type, data },
    frame: grpcFrame(
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
const nothing = () => {};

interface Stream {
  readonly sink: EventSink;
  readonly lane: Lane<FlagView>;
  readonly keepAlive: NodeJS.Timeout;
  readonly deadline: NodeJS.Timeout | undefined;
}

interface Group {
  readonly selector: Selector;
  view: FlagView;
  readonly streams: Set<Stream>;
  /** configuration_change events to `view`, by the view a stream has (undefined: no change). */
  readonly changes: Map<FlagView, StreamEvent | undefined>;
}

/** The configuration_change event from `before` to `after`; undefined when nothing changed. */
function changeEvent(before: FlagView, after: FlagView): StreamEvent | undefined {
  const changes = flagChanges(before, after);
  const keys = Object.keys(changes);
  if (keys.length === 0) return undefined;
  const flags: JsonObject = {};
  for (const key of keys) flags[key] = { type: changes[key]! };
  return streamEvent('configuration_change', { flags });
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
  private readonly fanOut: FanOut<FlagView>;
  private closing = false;

  constructor(private readonly options: EventStreamOptions) {
    this.fanOut = new FanOut({
      stallMs: options.stallMs ?? FAN_OUT_DEFAULTS.stallMs,
      ...(options.onStall ? { onStall: options.onStall } : {}),
    });
  }

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
      return nothing;
    }
    const group = this.groupOf(selector);
    const lane = this.fanOut.open({
      initial: group.view,
      // `stream` is set below, before any generation can reach this lane.
      write: (next, previous, flushed) =>
        this.writeChange(group, stream, { next, previous, flushed }),
      reset: () => {
        remove();
        sink.reset();
      },
    });
    const keepAlive = setTimeout(() => {
      // Only an idle stream needs one; a stream with a write in flight is not idle.
      if (lane.idle) this.write(stream, KEEP_ALIVE);
      else keepAlive.refresh();
    }, this.options.keepAliveMs);
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
    const stream: Stream = { sink, lane, keepAlive, deadline };
    let removed = false;
    const remove = () => {
      if (removed) return;
      removed = true;
      clearTimeout(keepAlive);
      clearTimeout(deadline);
      this.fanOut.close(lane);
      group.streams.delete(stream);
      if (group.streams.size === 0 && this.groups.get(selector.key) === group) {
        this.groups.delete(selector.key);
      }
    };
    group.streams.add(stream);
    this.options.logger.debug({ selector: selector.key }, 'event stream opened');
    this.write(stream, PROVIDER_READY);
    return remove;
  }

  private groupOf(selector: Selector): Group {
    let group = this.groups.get(selector.key);
    if (group === undefined) {
      group = {
        selector,
        view: this.options.view(selector),
        streams: new Set(),
        changes: new Map(),
      };
      this.groups.set(selector.key, group);
    }
    return group;
  }

  /** A lane's write: the diff from the view the stream has to the newest (shared per group). */
  private writeChange(
    group: Group,
    stream: Stream,
    change: {
      readonly next: FlagView;
      readonly previous: FlagView | undefined;
      readonly flushed: () => void;
    },
  ): void {
    const { next, previous, flushed } = change;
    let event: StreamEvent | undefined;
    if (previous !== undefined) {
      if (next === group.view && group.changes.has(previous)) event = group.changes.get(previous);
      else {
        event = changeEvent(previous, next);
        if (next === group.view) group.changes.set(previous, event);
      }
    }
    if (event === undefined) {
      flushed();
      return;
    }
    stream.sink.write(event, flushed);
    stream.keepAlive.refresh();
  }

  /** Sends each group the flags its selector's view gained, changed or lost. */
  publish(generation: Generation): void {
    for (const group of this.groups.values()) {
      const next = generation.view(group.selector);
      if (next === group.view) continue;
      group.view = next;
      group.changes.clear();
      for (const stream of group.streams) this.fanOut.send(stream.lane, next);
    }
  }

  private write(stream: Stream, event: StreamEvent): void {
    stream.sink.write(event, nothing);
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
        this.fanOut.close(stream.lane);
        stream.sink.write(PROVIDER_SHUTDOWN, nothing);
        stream.sink.end();
      }
    }
    this.groups.clear();
  }
}
