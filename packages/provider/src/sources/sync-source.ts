// The in-process source: a flagd.sync.v1 SyncFlags stream from a Switchyard daemon or flagd.
//
// Reconnect policy (docs/adr/0014, docs/adr/0020):
// - a stream that delivered a configuration and then ends (status OK) or reaches its
//   streamDeadlineMs is routine recycling: reopen at once and report nothing, so no STALE;
// - any other end is a real error: report it (the provider goes STALE) and reopen the stream
//   as soon as the channel is connected. While the server is down the channel's own connection
//   backoff (capped at 1 s, grpc-target.ts) paces the attempts and no stream is opened, so a
//   restarted daemon is picked up within a second and the two backoffs never stack;
// - a stream that failed without delivering a valid configuration (the server is reachable but
//   refuses us), or a second failure before any stream lived MIN_HEALTHY_STREAM_MS, first waits
//   a capped exponential backoff with jitter (backoff.ts);
// - a status listed in fatalStatusCodes stops the source for good (FATAL), at any time.
import { type ClientReadableStream, Metadata, type StatusObject, status } from '@grpc/grpc-js';
import type { Logger } from '@openfeature/core';
import {
  FlagSyncServiceClient,
  SELECTOR_METADATA_KEY,
  type SyncFlagsRequest,
  type SyncFlagsResponse,
} from '@switchyard/protocol';
import { createBackoff } from '../backoff.js';
import { SourceUnavailableError } from '../errors/source-unavailable-error.js';
import type { ResolvedProviderOptions } from '../options.js';
import type { FlagSource, SourceListener } from './flag-source.js';
import { whenChannelReady } from './channel-ready.js';
import { channelCredentials, channelOptions, resolveTarget } from './grpc-target.js';

type SyncClient = InstanceType<typeof FlagSyncServiceClient>;

/** A stream must live this long to count as healthy (which resets the backoff). */
const MIN_HEALTHY_STREAM_MS = 1000;

/** How a stream went, for choosing when to open the next one. */
interface StreamOutcome {
  /** It received at least one message. */
  readonly received: boolean;
  /** It delivered a configuration the provider accepted. */
  readonly accepted: boolean;
  readonly livedMs: number;
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

export function createSyncSource(options: ResolvedProviderOptions, logger: Logger): FlagSource {
  const target = resolveTarget(options);
  const fatalCodes = fatalCodeSet(options.fatalStatusCodes);
  const backoff = createBackoff(options.retryBackoffMs, options.retryBackoffMaxMs);
  const selector = options.selector ?? '';
  const description = `sync ${target.address}${target.authority ? ` (${target.authority})` : ''}${
    selector ? ` selector ${selector}` : ''
  }`;
  let listener: SourceListener | undefined;
  let client: SyncClient | undefined;
  let call: ClientReadableStream<SyncFlagsResponse> | undefined;
  let retry: NodeJS.Timeout | undefined;
  let cancelChannelWait: (() => void) | undefined;
  /** Whether the next failure of a stream that delivered may be retried without a delay. */
  let quickRetryAllowed = true;
  let closed = false;

  function open(): void {
    retry = undefined;
    cancelChannelWait = undefined;
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
    let accepted = false;
    call = stream;
    stream.on('data', (message: SyncFlagsResponse) => {
      if (closed || call !== stream) return;
      received = true;
      const rejected = listener?.payload({
        configuration: message.flagConfiguration,
        syncContext: message.syncContext,
      });
      if (rejected) {
        logger.warn(`${description}: ${rejected.message}`);
        return;
      }
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

  function ended(result: StatusObject, outcome: StreamOutcome): void {
    const name = status[result.code] ?? String(result.code);
    if (fatalCodes.has(result.code)) {
      const error = new SourceUnavailableError(
        `${description}: fatal status ${name}: ${result.details}`,
      );
      shutdown();
      listener?.fatal(error);
      return;
    }
    const healthy = outcome.accepted && outcome.livedMs >= MIN_HEALTHY_STREAM_MS;
    if (healthy) {
      backoff.reset();
      quickRetryAllowed = true;
    }
    const routine =
      outcome.received && (result.code === status.OK || result.code === status.DEADLINE_EXCEEDED);
    if (routine) {
      logger.debug(`${description}: stream recycled (${name}), reopening`);
      reconnect(healthy ? 0 : backoff.next());
      return;
    }
    listener?.unavailable(
      new SourceUnavailableError(`${description}: stream ended with ${name}: ${result.details}`),
    );
    // The first failure after a valid configuration (a daemon restart, a dropped connection) is
    // retried as soon as the channel connects. Failing again before a stream proved healthy, or
    // without a valid configuration (the server refuses us), means backing off.
    const quick = outcome.accepted && quickRetryAllowed;
    if (quick) quickRetryAllowed = false;
    reconnect(quick ? 0 : backoff.next());
  }

  /** Opens the next stream after `delayMs` and once the channel is connected. */
  function reconnect(delayMs: number): void {
    if (closed) return;
    cancelPending();
    const waitForChannel = (): void => {
      retry = undefined;
      if (closed || client === undefined) return;
      cancelChannelWait = whenChannelReady(client.getChannel(), open);
    };
    if (delayMs > 0) retry = setTimeout(waitForChannel, delayMs);
    else waitForChannel();
  }

  function cancelPending(): void {
    clearTimeout(retry);
    retry = undefined;
    cancelChannelWait?.();
    cancelChannelWait = undefined;
  }

  function shutdown(): void {
    closed = true;
    cancelPending();
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
