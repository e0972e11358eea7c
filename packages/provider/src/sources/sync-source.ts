// The in-process source: a flagd.sync.v1 SyncFlags stream from a Switchyard daemon or flagd.
//
// Lifecycle (docs/adr/0014, docs/adr/0020):
// - a stream that delivered a configuration and then ends (status OK) or reaches its
//   streamDeadlineMs is routine recycling: reopened without reporting anything, so no STALE;
// - any other end is a real error: reported (the provider goes STALE), and the next stream is
//   opened as soon as the channel is connected again, or after a backoff when the server is
//   reachable but fails streams (stream-retry.ts);
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
import { SourceUnavailableError } from '../errors/source-unavailable-error.js';
import type { ResolvedProviderOptions } from '../options.js';
import { channelCredentials, channelOptions, resolveTarget } from './grpc-target.js';
import { createStreamRetry } from './stream-retry.js';

type SyncClient = InstanceType<typeof FlagSyncServiceClient>;

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

/** What a stream did before it ended. */
interface StreamSummary {
  /** It received a message (valid or not). */
  readonly received: boolean;
  /** It delivered a configuration the provider accepted. */
  readonly accepted: boolean;
  readonly livedMs: number;
}

/** One SyncFlags call: the selector as header and (deprecated) field, the stream deadline. */
function syncFlags(
  client: SyncClient,
  options: ResolvedProviderOptions,
  selector: string,
): ClientReadableStream<SyncFlagsResponse> {
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
    options.streamDeadlineMs > 0 ? Date.now() + options.streamDeadlineMs : Number.POSITIVE_INFINITY;
  return client.syncFlags(request, metadata, { deadline });
}

export function createSyncSource(options: ResolvedProviderOptions, logger: Logger): PayloadFeed {
  const target = resolveTarget(options);
  const fatalCodes = fatalCodeSet(options.fatalStatusCodes);
  const selector = options.selector ?? '';
  const description = `sync ${target.address}${target.authority ? ` (${target.authority})` : ''}${
    selector ? ` selector ${selector}` : ''
  }`;
  let listener: PayloadSink | undefined;
  let client: SyncClient | undefined;
  let call: ClientReadableStream<SyncFlagsResponse> | undefined;
  let closed = false;
  const retry = createStreamRetry({
    retryBackoffMs: options.retryBackoffMs,
    retryBackoffMaxMs: options.retryBackoffMaxMs,
    channel: () => client?.getChannel(),
    open,
  });

  function open(): void {
    if (closed || client === undefined) return;
    const stream = syncFlags(client, options, selector);
    const openedAt = Date.now();
    let received = false;
    let accepted = false;
    call = stream;
    stream.on('data', (message: SyncFlagsResponse) => {
      if (closed || call !== stream) return;
      received = true;
      const rejected = listener?.payload({
        configuration: message.flagConfiguration,
        syncContext: message.syncContext,
      });
      // A rejected payload is reported by the sink (the source seam), not here.
      if (rejected) return;
      accepted = true;
    });
    // 'status' is the one terminal signal; 'error' must have a listener or it would throw.
    stream.on('error', () => {});
    stream.on('status', (result: StatusObject) => {
      if (call !== stream) return;
      call = undefined;
      if (!closed) ended(result, { received, accepted, livedMs: Date.now() - openedAt });
    });
  }

  function ended(result: StatusObject, stream: StreamSummary): void {
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
      stream.received && (result.code === status.OK || result.code === status.DEADLINE_EXCEEDED);
    if (routine) logger.debug(`${description}: stream recycled (${name}), reopening`);
    else {
      listener?.unavailable(
        new SourceUnavailableError(`${description}: stream ended with ${name}: ${result.details}`),
      );
    }
    retry.afterStream({ accepted: stream.accepted, livedMs: stream.livedMs, routine });
  }

  function shutdown(): void {
    closed = true;
    retry.cancel();
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
