// A flagd.sync.v1 SyncFlags stream from a Switchyard daemon or flagd, as a payload feed: the
// daemon's `grpc` source (daemon chains, flagd-proxy) and the provider's in-process resolver.
//
// Lifecycle (docs/adr/0014, docs/adr/0020):
// - a stream that delivered a configuration and then ends (status OK) or reaches its
//   streamDeadlineMs is routine recycling: reopened without reporting anything;
// - any other end is a real error: reported (UNAVAILABLE, or TOO_LARGE for a message over
//   maxMsgSize), and the next stream is opened as soon as the channel is connected again, or
//   after a backoff when the server is reachable but fails streams (stream-retry.ts);
// - a status listed in fatalStatusCodes stops the feed for good (FATAL), at any time.
import { type ClientReadableStream, Metadata, type StatusObject, status } from '@grpc/grpc-js';
import {
  FlagSyncServiceClient,
  SELECTOR_METADATA_KEY,
  type SyncFlagsRequest,
  type SyncFlagsResponse,
} from '@switchyard/protocol';
import type { PayloadFeed, PayloadSink } from '../payload-source.js';
import { channelCredentials, channelOptions } from './grpc-channel.js';
import type { ChannelSettings, ChannelTls, GrpcTarget } from './grpc-channel.js';
import { createStreamRetry } from './stream-retry.js';

type SyncClient = InstanceType<typeof FlagSyncServiceClient>;

export interface SyncFeedOptions extends ChannelSettings, ChannelTls {
  readonly target: GrpcTarget;
  /** Sent as the `flagd-selector` header and the (deprecated) request field. */
  readonly selector?: string | undefined;
  /** SyncFlagsRequest.provider_id. */
  readonly providerId?: string | undefined;
  /** Extra call metadata (tokens for a proxy in front of the server). */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** Client-side deadline of each stream in ms (0 = none); reaching it is routine recycling. */
  readonly streamDeadlineMs: number;
  /** gRPC status names (or numbers) that stop the feed for good. */
  readonly fatalStatusCodes: readonly string[];
  /**
   * Report UNAVAILABLE when a stream has delivered nothing for this long (an upstream without
   * flags yet, or a connection that hangs), so a first load attempt is reported within a bound.
   * Undefined: wait for the first message or status, however long.
   */
  readonly silenceReportMs?: number | undefined;
  /** Trace of routine events (a recycled stream), for debug logs. */
  readonly debug?: ((message: string) => void) | undefined;
}

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
  /** It delivered a configuration the sink accepted. */
  readonly accepted: boolean;
  readonly livedMs: number;
}

/** One SyncFlags call: the selector as header and (deprecated) field, headers, the deadline. */
function syncFlags(
  client: SyncClient,
  options: SyncFeedOptions,
): ClientReadableStream<SyncFlagsResponse> {
  const selector = options.selector ?? '';
  const metadata = new Metadata();
  for (const [name, value] of Object.entries(options.headers ?? {})) metadata.set(name, value);
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

/** `sync host:port (authority) selector s`: the feed's name in messages and problems. */
export function syncFeedDescription(options: Pick<SyncFeedOptions, 'target' | 'selector'>): string {
  const { address, authority } = options.target;
  const selector = options.selector ? ` selector ${options.selector}` : '';
  return `sync ${address}${authority ? ` (${authority})` : ''}${selector}`;
}

/**
 * Reports a non-fatal end of a stream to the sink (routine recycling only to the debug trace);
 * true when the end was routine.
 */
function reportEnd(end: {
  readonly result: StatusObject;
  readonly received: boolean;
  readonly description: string;
  readonly sink: PayloadSink | undefined;
  readonly options: SyncFeedOptions;
}): boolean {
  const { result, description, sink } = end;
  const name = status[result.code] ?? String(result.code);
  const routine =
    end.received && (result.code === status.OK || result.code === status.DEADLINE_EXCEEDED);
  if (routine) end.options.debug?.(`${description}: stream recycled (${name}), reopening`);
  else if (result.code === status.RESOURCE_EXHAUSTED && /larger than max/i.test(result.details)) {
    // grpc-js's own answer to a message over grpc.max_receive_message_length.
    sink?.tooLarge(`${description}: ${result.details} (raise maxMsgSize)`);
  } else sink?.unavailable(`${description}: stream ended with ${name}: ${result.details}`);
  return routine;
}

export function createSyncFeed(options: SyncFeedOptions): PayloadFeed {
  const fatalCodes = fatalCodeSet(options.fatalStatusCodes);
  const description = syncFeedDescription(options);
  let sink: PayloadSink | undefined;
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
    const stream = syncFlags(client, options);
    const openedAt = Date.now();
    let received = false;
    let accepted = false;
    call = stream;
    const silence = reportSilence(stream, () => received);
    stream.on('data', (message: SyncFlagsResponse) => {
      if (closed || call !== stream) return;
      received = true;
      const rejected = sink?.payload({
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
      clearTimeout(silence);
      if (call !== stream) return;
      call = undefined;
      if (!closed) ended(result, { received, accepted, livedMs: Date.now() - openedAt });
    });
  }

  /** Reports a stream that stays silent (see silenceReportMs). */
  function reportSilence(
    stream: ClientReadableStream<SyncFlagsResponse>,
    received: () => boolean,
  ): NodeJS.Timeout | undefined {
    if (options.silenceReportMs === undefined) return undefined;
    const timer = setTimeout(() => {
      if (closed || call !== stream || received()) return;
      sink?.unavailable(
        `${description}: no configuration received within ${options.silenceReportMs} ms`,
      );
    }, options.silenceReportMs);
    timer.unref();
    return timer;
  }

  function ended(result: StatusObject, stream: StreamSummary): void {
    const name = status[result.code] ?? String(result.code);
    if (fatalCodes.has(result.code)) {
      shutdown();
      sink?.fatal(`${description}: fatal status ${name}: ${result.details}`);
      return;
    }
    const routine = reportEnd({ result, received: stream.received, description, sink, options });
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
    start(s) {
      sink = s;
      try {
        client = new FlagSyncServiceClient(
          options.target.address,
          channelCredentials(options),
          channelOptions(options.target, options),
        );
      } catch (error) {
        shutdown();
        s.fatal(`${description}: ${(error as Error).message}`);
        return;
      }
      open();
    },
    close: shutdown,
  };
}
