// flagd.sync.v1.FlagSyncService handlers (https://flagd.dev/reference/specifications/protos/,
// open-feature/flagd: flagd/pkg/service/flag-sync/handler.go). Each stream is grouped by its
// selector; a new generation's payload is encoded once per selector and written as the same
// pre-encoded bytes to every stream of the group, and not at all when that view is unchanged.
// Writes go through a conflating fan-out (fan-out.ts): one write in flight per stream, the newest
// payload replacing an older queued one, a stream whose write stalls reset; the payload is one
// framed buffer shared by every stream (grpc-frames.ts).
import { performance } from 'node:perf_hooks';
import { status } from '@grpc/grpc-js';
import type {
  Metadata,
  ServerUnaryCall,
  ServerWritableStream,
  UntypedServiceImplementation,
  sendUnaryData,
} from '@grpc/grpc-js';
import { SELECTOR_METADATA_KEY } from '@switchyard/protocol';
import type {
  FetchAllFlagsRequest,
  FetchAllFlagsResponse,
  GetMetadataRequest,
  GetMetadataResponse,
  PreEncoded,
  SyncFlagsRequest,
} from '@switchyard/protocol';
import { refused } from '../auth/access-policy.js';
import type { AccessPolicy, Credentials } from '../auth/access-policy.js';
import { grpcCredentials } from '../auth/credentials.js';
import { ERROR_CODES, type JsonObject } from '../engine.js';
import { InvalidSelectorError } from '../errors/invalid-selector-error.js';
import { metadataValue } from '../grpc-metadata.js';
import type { Logger } from '../logger.js';
import type { DaemonMetrics } from '../metrics.js';
import type { CacheSlot } from '../store/cache-slot.js';
import type { Generation } from '../store/generation.js';
import type { GenerationStore, PublicationRefusal } from '../store/generation-store.js';
import { ALL_FLAGS, parseSelector } from '../store/selector.js';
import type { Selector } from '../store/selector.js';
import type { FlagView } from '../store/view.js';
import { frameWriter } from '../grpc-frames.js';
import { FAN_OUT_DEFAULTS, FanOut } from './fan-out.js';
import type { Lane } from './fan-out.js';
import { flagConfigurationJson } from './flag-configuration.js';
import { syncPayloadSlot } from './sync-payload.js';
import type { SyncPayload } from './sync-payload.js';

export interface SyncServiceOptions {
  readonly store: GenerationStore;
  readonly syncContext: JsonObject;
  readonly disableSyncMetadata: boolean;
  /** 0 = no server-side deadline. */
  readonly streamDeadlineMs: number;
  /** Resolves when every source is loaded, or after the startup grace (flagd: 5 s). */
  readonly gate: Promise<void>;
  readonly logger: Logger;
  readonly metrics: DaemonMetrics;
  /** A write not flushed after this long resets its stream (default FAN_OUT_DEFAULTS.stallMs). */
  readonly stallMs?: number;
  /**
   * The largest SyncFlags message clients accept (`--max-msg-size`, default
   * DEFAULT_MAX_MSG_SIZE): a generation whose message for a served selector is larger is not
   * published.
   */
  readonly maxMsgSize?: number;
  /** --auth-config: who may read which flags (undefined: everyone reads everything). */
  readonly access?: AccessPolicy | undefined;
}

/**
 * 4 MiB, the default receive limit of gRPC clients (grpc-go MaxCallRecvMsgSize, grpc-js
 * grpc.max_receive_message_length, grpc-java maxInboundMessageSize) and of flagd's gRPC sync
 * source (`maxMsgSize`, https://flagd.dev/reference/sync-configuration/).
 */
export const DEFAULT_MAX_MSG_SIZE = 4 * 1024 * 1024;

const bytes = (n: number) => n.toLocaleString('en-US');

/** `all flags`, `selector flagSetId=x`, ... for messages. */
const selectorLabel = (selector: Selector) =>
  selector.kind === 'all' ? 'all flags (no selector)' : `selector ${selector.key}`;

interface Stream {
  readonly call: ServerWritableStream<SyncFlagsRequest, PreEncoded>;
  /** What the stream is served (its requested selector, narrowed by --auth-config). */
  readonly selector: Selector;
  /** What it asked for and with which credentials (re-checked when --auth-config changes). */
  readonly requested: Selector;
  readonly credentials: Credentials | undefined;
  readonly lane: Lane<SyncPayload>;
  deadline: NodeJS.Timeout | undefined;
}

type ServiceError = { code: number; details: string };

/** flagd's `reason` attribute of feature_flag.flagd.sync.stream.duration. */
type StreamEndReason = 'normal_close' | 'deadline_exceeded' | 'client_disconnect' | 'error';

const NO_FLAGS_YET = 'no flag source has usable content yet; see /readyz on the management port';

function selectorOf(metadata: Metadata, requestSelector: string): Selector {
  // The header beats the deprecated request field (flagd sync handler).
  return parseSelector(metadataValue(metadata, SELECTOR_METADATA_KEY) ?? requestSelector);
}

/** What a call is served: its selector as --auth-config allows it, or the status to end it with. */
interface Served {
  readonly requested: Selector;
  readonly selector: Selector;
  readonly credentials: Credentials | undefined;
}

type CallLike = Parameters<typeof grpcCredentials>[0] & {
  readonly request: { readonly selector: string };
};

const accessStatus = (error: {
  code: keyof typeof ERROR_CODES;
  message: string;
}): ServiceError => ({
  code: ERROR_CODES[error.code].grpcStatus,
  details: error.message,
});

export class SyncService {
  private readonly groups = new Map<string, Set<Stream>>();
  private readonly fanOut: FanOut<SyncPayload>;
  private readonly payloads: CacheSlot<FlagView, SyncPayload>;
  private readonly maxMsgSize: number;
  private closing = false;

  constructor(private readonly options: SyncServiceOptions) {
    this.fanOut = new FanOut({
      stallMs: options.stallMs ?? FAN_OUT_DEFAULTS.stallMs,
      onStall: (ms) => {
        options.metrics.stalledStreams.add(1, { service: 'sync' });
        options.logger.warn(
          { stalledMs: Math.round(ms) },
          'sync stream reset: the client took no message for too long (it reconnects and gets the newest)',
        );
      },
    });
    this.payloads = syncPayloadSlot(options.syncContext);
    this.maxMsgSize = options.maxMsgSize ?? DEFAULT_MAX_MSG_SIZE;
    options.store.check((candidate) => this.oversized(candidate));
    options.store.subscribe(
      (event) => {
        if (event.type === 'generation') this.broadcast(event.generation);
      },
      { transport: true },
    );
  }

  get streamCount(): number {
    let n = 0;
    for (const group of this.groups.values()) n += group.size;
    return n;
  }

  implementation(): UntypedServiceImplementation {
    return {
      syncFlags: (call: ServerWritableStream<SyncFlagsRequest, PreEncoded>) =>
        void this.syncFlags(call),
      fetchAllFlags: (
        call: ServerUnaryCall<FetchAllFlagsRequest, FetchAllFlagsResponse>,
        callback: sendUnaryData<FetchAllFlagsResponse>,
      ) => void this.fetchAllFlags(call, callback),
      getMetadata: (
        call: ServerUnaryCall<GetMetadataRequest, GetMetadataResponse>,
        callback: sendUnaryData<GetMetadataResponse>,
      ) => {
        const client = this.options.access?.authenticate(grpcCredentials(call), 'sync');
        if (client !== undefined && refused(client)) callback(accessStatus(client));
        else this.getMetadata(callback);
      },
    };
  }

  /** The selector a call is served, or the status it is refused with. */
  private serve(call: CallLike): Served | ServiceError {
    let requested: Selector;
    try {
      requested = selectorOf(call.metadata, call.request.selector);
    } catch (error) {
      if (!(error instanceof InvalidSelectorError)) throw error;
      return { code: status.INVALID_ARGUMENT, details: error.message };
    }
    const access = this.options.access;
    if (access === undefined) return { requested, selector: requested, credentials: undefined };
    const credentials = grpcCredentials(call);
    const grant = access.authorize(credentials, requested, 'sync');
    if (refused(grant)) return accessStatus(grant);
    return { requested, selector: grant.selector, credentials };
  }

  /**
   * --auth-config changed: every open stream is decided again. One refused now ends with
   * UNAUTHENTICATED or PERMISSION_DENIED; one whose flags changed ends with UNAVAILABLE, so its
   * client reconnects and is served what it may read now.
   */
  recheck(): void {
    const access = this.options.access;
    if (access === undefined) return;
    for (const group of this.groups.values()) {
      for (const stream of [...group]) {
        if (stream.credentials === undefined) continue;
        const grant = access.authorize(stream.credentials, stream.requested, 'sync');
        if (!refused(grant) && grant.selector.key === stream.selector.key) continue;
        stream.call.emit(
          'error',
          refused(grant)
            ? accessStatus(grant)
            : { code: status.UNAVAILABLE, details: 'what this client may read changed; reconnect' },
        );
      }
    }
  }

  private async syncFlags(call: ServerWritableStream<SyncFlagsRequest, PreEncoded>): Promise<void> {
    const served = this.serve(call);
    if ('code' in served) {
      call.emit('error', served);
      return;
    }
    const { selector } = served;
    await this.options.gate;
    if (call.cancelled || this.closing) return;
    const oversized = this.refuseOversized(selector);
    if (oversized) {
      call.emit('error', oversized);
      return;
    }
    const writer = frameWriter(call);
    const stream: Stream = {
      call,
      selector,
      requested: served.requested,
      credentials: served.credentials,
      lane: this.fanOut.open({
        write: (payload, _previous, flushed) => writer.write(payload.frame, flushed),
        reset: () => writer.reset(),
      }),
      deadline: undefined,
    };
    const key = selector.key;
    const group = this.groups.get(key) ?? new Set<Stream>();
    this.groups.set(key, group);
    group.add(stream);
    const ended = this.track(call);
    // sharedFrames false: frames are copied per stream (an interceptor that does not observe them).
    this.options.logger.debug(
      { selector: key, peer: call.getPeer(), sharedFrames: writer.shared },
      'sync stream opened',
    );
    let removed = false;
    const remove = (reason: StreamEndReason) => {
      if (removed) return;
      removed = true;
      clearTimeout(stream.deadline);
      this.fanOut.close(stream.lane);
      group.delete(stream);
      if (group.size === 0 && this.groups.get(key) === group) this.groups.delete(key);
      ended(reason);
      this.options.logger.debug({ selector: key }, 'sync stream closed');
    };
    call.on('cancelled', () => remove(this.closing ? 'normal_close' : 'client_disconnect'));
    call.on('close', () => remove('normal_close'));
    call.on('finish', () => remove('normal_close'));
    call.on('error', () => remove(this.closing ? 'normal_close' : 'error'));
    if (this.options.streamDeadlineMs > 0) {
      stream.deadline = setTimeout(() => {
        remove('deadline_exceeded');
        call.emit('error', {
          code: status.DEADLINE_EXCEEDED,
          details: 'stream closed due to server-side timeout',
        } satisfies ServiceError);
      }, this.options.streamDeadlineMs);
    }
    const generation = this.options.store.generation;
    if (generation) this.fanOut.send(stream.lane, this.payload(generation, selector));
  }

  /**
   * A selector first asked for after its flags grew past maxMsgSize (its view was not checked
   * when the generation was published): the call fails with RESOURCE_EXHAUSTED, as the client
   * would fail it on receipt, but with the reason.
   */
  private refuseOversized(selector: Selector): ServiceError | undefined {
    const generation = this.options.store.generation;
    const reason = generation && this.tooLarge(generation, selector);
    return reason ? { code: status.RESOURCE_EXHAUSTED, details: reason } : undefined;
  }

  /**
   * Counts an open stream in both gauges and returns what records its end: flagd's attributes
   * (selector and provider_id when the request has them; the end reason on the duration).
   */
  private track(
    call: ServerWritableStream<SyncFlagsRequest, PreEncoded>,
  ): (reason: StreamEndReason) => void {
    const { metrics } = this.options;
    const attributes: Record<string, string> = {};
    const selector = metadataValue(call.metadata, SELECTOR_METADATA_KEY) ?? call.request.selector;
    if (selector) attributes.selector = selector;
    if (call.request.providerId) attributes.provider_id = call.request.providerId;
    const openedAt = performance.now();
    metrics.activeStreams.add(1);
    metrics.syncActiveStreams.add(1, attributes);
    return (reason) => {
      metrics.activeStreams.add(-1);
      metrics.syncActiveStreams.add(-1, attributes);
      metrics.syncStreamDuration.record((performance.now() - openedAt) / 1000, {
        ...attributes,
        reason,
      });
    };
  }

  private payload(generation: Generation, selector: Selector): SyncPayload {
    return generation.view(selector).cached(this.payloads);
  }

  /** Why `selector`'s message of `generation` cannot be sent (over maxMsgSize), if it cannot. */
  private tooLarge(generation: Generation, selector: Selector): string | undefined {
    const size = this.payload(generation, selector).frame.byteLength - 5;
    if (size <= this.maxMsgSize) return undefined;
    return `the SyncFlags message for ${selectorLabel(selector)} would be ${bytes(size)} bytes, over --max-msg-size ${bytes(this.maxMsgSize)} (gRPC clients refuse messages over their limit, 4 MiB by default; raise it on both sides, or serve fewer flags per selector)`;
  }

  /** The publication check: every selector served (and all flags) must fit in maxMsgSize. */
  private oversized(candidate: Generation): PublicationRefusal | undefined {
    const selectors = [ALL_FLAGS];
    for (const group of this.groups.values()) {
      const first = group.values().next().value;
      if (first && first.selector.key !== ALL_FLAGS.key) selectors.push(first.selector);
    }
    for (const selector of selectors) {
      const reason = this.tooLarge(candidate, selector);
      if (reason !== undefined) return { code: 'TOO_LARGE', message: `not published: ${reason}` };
    }
    return undefined;
  }

  private broadcast(generation: Generation): void {
    for (const group of this.groups.values()) {
      const first = group.values().next().value;
      if (!first) continue;
      const payload = this.payload(generation, first.selector);
      for (const stream of group) this.fanOut.send(stream.lane, payload);
    }
  }

  private async fetchAllFlags(
    call: ServerUnaryCall<FetchAllFlagsRequest, FetchAllFlagsResponse>,
    callback: sendUnaryData<FetchAllFlagsResponse>,
  ): Promise<void> {
    const served = this.serve(call);
    if ('code' in served) {
      callback(served);
      return;
    }
    const { selector } = served;
    await this.options.gate;
    const generation = this.options.store.generation;
    if (generation === undefined) {
      // No source has had usable content: an empty configuration would tell the caller that
      // every flag was deleted (docs/adr/0021). It retries, as for a daemon not yet started.
      callback({ code: status.UNAVAILABLE, details: NO_FLAGS_YET });
      return;
    }
    const oversized = this.refuseOversized(selector);
    if (oversized) {
      callback(oversized);
      return;
    }
    callback(null, {
      $typeName: 'flagd.sync.v1.FetchAllFlagsResponse',
      flagConfiguration: flagConfigurationJson(generation.view(selector)),
    });
  }

  private getMetadata(callback: sendUnaryData<GetMetadataResponse>): void {
    if (this.options.disableSyncMetadata) {
      callback({
        code: status.UNIMPLEMENTED,
        details: 'GetMetadata is disabled (--disable-sync-metadata)',
      });
      return;
    }
    callback(null, {
      $typeName: 'flagd.sync.v1.GetMetadataResponse',
      metadata: this.options.syncContext,
    });
  }

  /** Ends every stream with UNAVAILABLE so clients reconnect (to the next instance). */
  closeAll(): void {
    this.closing = true;
    for (const group of this.groups.values()) {
      for (const stream of [...group]) {
        clearTimeout(stream.deadline);
        stream.call.emit('error', {
          code: status.UNAVAILABLE,
          details: 'switchyard is shutting down',
        } satisfies ServiceError);
      }
    }
  }
}
