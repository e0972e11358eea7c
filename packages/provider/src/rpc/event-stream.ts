// RPC mode's EventStream (flagd.evaluation.v2): provider_ready on every (re)connect,
// configuration_change with the changed keys, keep_alive. The stream lives like in-process
// mode's sync stream (@switchyard/sources grpc/sync-feed.ts, docs/adr/0014, docs/adr/0020): a stream that had
// said provider_ready and ends with OK or at its streamDeadlineMs is routine recycling, reopened
// without reporting anything; any other end is reported as lost, and the next stream opens as
// soon as the channel is connected again (or after a backoff when the server fails streams);
// a status in fatalStatusCodes stops it for good.
import { type ClientReadableStream, Metadata, type StatusObject, status } from '@grpc/grpc-js';
import type { Logger } from '@openfeature/core';
import { SELECTOR_METADATA_KEY, type evaluationV2 } from '@switchyard/protocol';
import { createStreamRetry, fatalCodeSet } from '@switchyard/sources';
import { SourceUnavailableError } from '../errors/source-unavailable-error.js';
import type { ResolvedProviderOptions } from '../options.js';
import type { EvaluationClient } from './evaluation-client.js';

export interface EventStreamListener {
  /** provider_ready: the first one, or after a reconnect or a recycled stream. */
  ready(): void;
  /** configuration_change: the keys of the flags written, updated or deleted. */
  changed(flagKeys: readonly string[]): void;
  /** The stream failed (not routine recycling): the provider is STALE until the next ready. */
  lost(error: Error): void;
  /** A status listed in fatalStatusCodes: nothing will be reopened. */
  fatal(error: Error): void;
}

type Event = evaluationV2.EventStreamResponse;

function flagKeysOf(event: Event): string[] {
  const flags = event.data?.flags;
  return flags !== null && typeof flags === 'object' && !Array.isArray(flags)
    ? Object.keys(flags)
    : [];
}

export interface EventStreamHandle {
  close(): void;
}

export function openEventStream(
  client: EvaluationClient,
  options: ResolvedProviderOptions,
  listener: EventStreamListener,
  logger: Logger,
): EventStreamHandle {
  const fatalCodes = fatalCodeSet(options.fatalStatusCodes);
  let call: ClientReadableStream<Event> | undefined;
  let closed = false;
  const retry = createStreamRetry({
    retryBackoffMs: options.retryBackoffMs,
    retryBackoffMaxMs: options.retryBackoffMaxMs,
    channel: () => (closed ? undefined : client.getChannel()),
    open,
  });

  function open(): void {
    if (closed) return;
    const metadata = new Metadata();
    if (options.selector) metadata.set(SELECTOR_METADATA_KEY, options.selector);
    const deadline =
      options.streamDeadlineMs > 0
        ? Date.now() + options.streamDeadlineMs
        : Number.POSITIVE_INFINITY;
    const stream = client.eventStream(
      { $typeName: 'flagd.evaluation.v2.EventStreamRequest' },
      metadata,
      { deadline },
    );
    const openedAt = Date.now();
    let ready = false;
    call = stream;
    stream.on('data', (event: Event) => {
      if (closed || call !== stream) return;
      if (event.type === 'provider_ready') {
        ready = true;
        listener.ready();
      } else if (event.type === 'configuration_change') {
        listener.changed(flagKeysOf(event));
      }
    });
    stream.on('error', () => {}); // 'status' is the one terminal signal
    stream.on('status', (result: StatusObject) => {
      if (call !== stream) return;
      call = undefined;
      if (!closed) ended(result, ready, Date.now() - openedAt);
    });
  }

  function ended(result: StatusObject, ready: boolean, livedMs: number): void {
    const name = status[result.code] ?? String(result.code);
    const description = `EventStream ${client.getChannel().getTarget()}`;
    if (fatalCodes.has(result.code)) {
      close();
      listener.fatal(
        new SourceUnavailableError(`${description}: fatal status ${name}: ${result.details}`),
      );
      return;
    }
    const routine =
      ready && (result.code === status.OK || result.code === status.DEADLINE_EXCEEDED);
    if (routine) logger.debug(`${description}: stream recycled (${name}), reopening`);
    else {
      listener.lost(
        new SourceUnavailableError(`${description}: stream ended with ${name}: ${result.details}`),
      );
    }
    retry.afterStream({ accepted: ready, livedMs, routine });
  }

  function close(): void {
    closed = true;
    retry.cancel();
    const current = call;
    call = undefined;
    current?.cancel();
  }

  open();
  return { close };
}
