// The in-process source: a flagd.sync.v1 SyncFlags stream from a Switchyard daemon or flagd.
//
// Reconnect policy:
// - a stream that delivered a configuration and then ends (status OK) or reaches its
//   streamDeadlineMs is routine recycling: reopen at once and report nothing, so no STALE;
// - any other end is a real error: report it (the provider goes STALE) and retry after a capped
//   exponential backoff with jitter;
// - a status listed in fatalStatusCodes stops the source for good (FATAL), at any time.
import { type ClientReadableStream, Metadata, type StatusObject, status } from '@grpc/grpc-js';
import type { Logger } from '@openfeature/core';
import {
  FlagSyncServiceClient,
  SELECTOR_METADATA_KEY,
  type SyncFlagsRequest,
  type SyncFlagsResponse,
} from '@switchyard/protocol';
import type { PayloadFeed, PayloadSink } from '@switchyard/sources';
import { createBackoff } from '../backoff.js';
import { SourceUnavailableError } from '../errors/source-unavailable-error.js';
import type { ResolvedProviderOptions } from '../options.js';
import { channelCredentials, channelOptions, resolveTarget } from './grpc-target.js';

type SyncClient = InstanceType<typeof FlagSyncServiceClient>;

/** A stream shorter than this that ends "normally" is retried with backoff, not at once. */
const MIN_HEALTHY_STREAM_MS = 1000;

/** Status names or numbers → codes; unknown names are kept by the options but never match. */
export function fatalCodeSet(names: readonly string[]): ReadonlySet<number> {
  const codes = new Set<number>();
  const table = status as unknown as Record<string, number>;
  for (const name of names) {
    const n = /^\d+$/.test(name) ? Number(name) : table[name.toUpperCase()];
    if (typeof n === 'number') codes.add(n);
  }
  return codes;
}

export function createSyncSource(options: ResolvedProviderOptions, logger: Logger): PayloadFeed {
  const target = resolveTarget(options);
  const fatalCodes = fatalCodeSet(options.fatalStatusCodes);
  const backoff = createBackoff(options.retryBackoffMs, options.retryBackoffMaxMs);
  const selector = options.selector ?? '';
  const description = `sync ${target.address}${target.authority ? ` (${target.authority})` : ''}${
    selector ? ` selector ${selector}` : ''
  }`;
  let listener: PayloadSink | undefined;
  let client: SyncClient | undefined;
  let call: ClientReadableStream<SyncFlagsResponse> | undefined;
  let retry: NodeJS.Timeout | undefined;
  let closed = false;

  function open(): void {
    retry = undefined;
    if (closed || client === undefined) return;
    const metadata = new Metadata();
    // The header is the current way to select; the request field is for older servers.
    if (selector) metadata.set(SELECTOR_METADATA_KEY, selector);
    // A protobuf-es v2 message is a plain object with its type name; this avoids a direct
    // dependency on @bufbuild/protobuf (the protocol package owns the codec).
    const request: SyncFlagsRequest = {
      $typeName: 'flagd.sync.v1.SyncFlagsRequest',
      providerId: options.providerId ?? '',
      selector,
    };
    const deadline =
      options.streamDeadlineMs > 0
        ? Date.now() + options.streamDeadlineMs
        : Number.POSITIVE_INFINITY;
    const stream = client.syncFlags(request, metadata, { deadline });
    const openedAt = Date.now();
    let received = false;
    call = stream;
    stream.on('data', (message: SyncFlagsResponse) => {
      if (closed || call !== stream) return;
      received = true;
      const rejected = listener?.payload({
        configuration: message.flagConfiguration,
        syncContext: message.syncContext,
      });
      // A rejected payload is reported by the sink (the source seam), not here.
      if (!rejected) backoff.reset();
    });
    // 'status' is the one terminal signal; 'error' must have a listener or it would throw.
    stream.on('error', () => {});
    stream.on('status', (result: StatusObject) => {
      if (call !== stream) return;
      call = undefined;
      if (!closed) ended(result, received, Date.now() - openedAt);
    });
  }

  function ended(result: StatusObject, received: boolean, livedMs: number): void {
    const name = status[result.code] ?? String(result.code);
    if (fatalCodes.has(result.code)) {
      const error = new SourceUnavailableError(
        `${description}: fatal status ${name}: ${result.details}`,
      );
      shutdown();
      listener?.fatal(error);
      return;
    }
    const routine =
      received && (result.code === status.OK || result.code === status.DEADLINE_EXCEEDED);
    if (routine) {
      logger.debug(`${description}: stream recycled (${name}), reopening`);
      if (livedMs >= MIN_HEALTHY_STREAM_MS) open();
      else schedule(backoff.next());
      return;
    }
    listener?.unavailable(
      new SourceUnavailableError(`${description}: stream ended with ${name}: ${result.details}`),
    );
    schedule(backoff.next());
  }

  function schedule(delayMs: number): void {
    if (closed) return;
    clearTimeout(retry);
    retry = setTimeout(open, delayMs);
  }

  function shutdown(): void {
    closed = true;
    clearTimeout(retry);
    retry = undefined;
    const current = call;
    call = undefined;
    current?.cancel();
    client?.close();
    client = undefined;
  }

  return {
    description,
    start(l) {
      listener = l;
      try {
        client = new FlagSyncServiceClient(
          target.address,
          channelCredentials(options),
          channelOptions(target, options),
        );
      } catch (error) {
        shutdown();
        l.fatal(error as Error);
        return;
      }
      open();
    },
    close: shutdown,
  };
}
