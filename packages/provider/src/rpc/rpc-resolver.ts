// RPC mode (flagd's default resolver): every evaluation is a unary flagd.evaluation.v2 call to
// the evaluation port (Resolve{Boolean,String,Float,Object}, deadlineMs each, the selector as the
// `flagd-selector` header), events come from the EventStream (rpc/event-stream.ts), and STATIC
// results are kept in an LRU cache (`cache`, `maxCacheSize`) and answered as CACHED:
// - flushed on every configuration_change and on every provider_ready after the first
//   (changes may have been missed while the stream was down or being recycled);
// - not written while the stream is down; read while STALE (the testbed's rpc-caching.feature
//   expects CACHED then); purged and bypassed once the provider is in ERROR (docs/adr/0034).
import { Metadata, type ServiceError, status } from '@grpc/grpc-js';
import type { Logger } from '@openfeature/core';
import {
  ErrorCode,
  type EvaluationContext,
  type FlagMetadata,
  type ResolutionDetails,
} from '@openfeature/server-sdk';
import { SELECTOR_METADATA_KEY } from '@switchyard/protocol';
import type { ResolvedProviderOptions } from '../options.js';
import type { StateMachine } from '../state-machine.js';
import { type EvaluationClient, createEvaluationClient } from './evaluation-client.js';
import { type EventStreamHandle, openEventStream } from './event-stream.js';
import { LruCache } from './lru-cache.js';
import { toStruct } from './to-struct.js';

export type RpcKind = 'boolean' | 'string' | 'number' | 'object';

const METHOD = {
  boolean: 'resolveBoolean',
  string: 'resolveString',
  number: 'resolveFloat',
  object: 'resolveObject',
} as const;

const REQUEST_TYPE = {
  boolean: 'flagd.evaluation.v2.ResolveBooleanRequest',
  string: 'flagd.evaluation.v2.ResolveStringRequest',
  number: 'flagd.evaluation.v2.ResolveFloatRequest',
  object: 'flagd.evaluation.v2.ResolveObjectRequest',
} as const;

/** gRPC status → OpenFeature error code (flagd's mapping; transport failures are GENERAL). */
function errorCodeOf(code: status): ErrorCode {
  switch (code) {
    case status.NOT_FOUND:
      return ErrorCode.FLAG_NOT_FOUND;
    case status.INVALID_ARGUMENT:
      return ErrorCode.TYPE_MISMATCH;
    case status.DATA_LOSS:
      return ErrorCode.PARSE_ERROR;
    default:
      return ErrorCode.GENERAL;
  }
}

interface WireResponse {
  readonly value?: unknown;
  readonly reason: string;
  readonly variant?: string | undefined;
  readonly metadata?: Record<string, unknown> | undefined;
}

function flagMetadataOf(metadata: Record<string, unknown> | undefined): FlagMetadata {
  const out: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(metadata ?? {})) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      out[key] = value;
  }
  return out;
}

function detailsOf<T>(response: WireResponse, defaultValue: T): ResolutionDetails<T> {
  const details: ResolutionDetails<T> = {
    // v2 leaves value (and variant) unset when the caller's default applies.
    value: response.value === undefined ? defaultValue : (response.value as T),
    reason: response.reason,
    flagMetadata: flagMetadataOf(response.metadata),
  };
  if (response.variant !== undefined) details.variant = response.variant;
  return details;
}

export class RpcResolver {
  private readonly cache: LruCache<ResolutionDetails<unknown>> | undefined;
  private client: EvaluationClient | undefined;
  private stream: EventStreamHandle | undefined;
  private readyOnce = false;
  /** The EventStream is connected: results may be cached. */
  private live = false;
  /** Counts flushes: a call answered after a flush must not refill the cache with its result. */
  private epoch = 0;

  constructor(
    private readonly options: ResolvedProviderOptions,
    private readonly machine: StateMachine,
    private readonly logger: Logger,
  ) {
    this.cache =
      options.cache === 'lru' && options.maxCacheSize > 0
        ? new LruCache(options.maxCacheSize)
        : undefined;
  }

  get description(): string {
    return `flagd.evaluation ${this.client?.getChannel().getTarget() ?? ''}`.trim();
  }

  start(): void {
    try {
      this.client = createEvaluationClient(this.options);
    } catch (error) {
      this.machine.fatal(error as Error);
      return;
    }
    this.stream = openEventStream(
      this.client,
      this.options,
      {
        ready: () => {
          if (this.readyOnce) this.flush();
          this.readyOnce = true;
          this.live = true;
          this.machine.configured([]);
        },
        changed: (flagKeys) => {
          this.flush();
          this.machine.configured(flagKeys);
        },
        lost: (error) => {
          this.live = false;
          this.epoch++;
          this.machine.unavailable(error);
        },
        fatal: (error) => {
          this.live = false;
          this.flush();
          this.machine.fatal(error);
        },
      },
      this.logger,
    );
  }

  private flush(): void {
    this.epoch++;
    this.cache?.clear();
  }

  close(): void {
    this.stream?.close();
    this.client?.close();
    this.cache?.clear();
  }

  /** The cache, when it may answer: READY (live) or STALE; purged once in ERROR. */
  private readableCache(): LruCache<ResolutionDetails<unknown>> | undefined {
    if (this.cache === undefined) return undefined;
    const state = this.machine.state;
    if (state === 'READY' || state === 'STALE') return this.cache;
    if (this.cache.size > 0) this.cache.clear();
    return undefined;
  }

  resolve<T>(
    kind: RpcKind,
    flagKey: string,
    defaultValue: T,
    context: EvaluationContext,
  ): Promise<ResolutionDetails<T>> {
    const key = `${kind}\u0000${flagKey}`;
    const cached = this.readableCache()?.get(key);
    if (cached !== undefined) return Promise.resolve({ ...(cached as ResolutionDetails<T>) });
    const client = this.client;
    if (client === undefined) {
      return Promise.resolve({
        value: defaultValue,
        reason: 'ERROR',
        errorCode: ErrorCode.PROVIDER_NOT_READY,
        errorMessage: 'RPC mode is not started',
      });
    }
    const metadata = new Metadata();
    if (this.options.selector) metadata.set(SELECTOR_METADATA_KEY, this.options.selector);
    const request = { $typeName: REQUEST_TYPE[kind], flagKey, context: toStruct(context) };
    const method = client[METHOD[kind]] as unknown as (
      request: unknown,
      metadata: Metadata,
      options: object,
      callback: (error: ServiceError | null, response?: WireResponse) => void,
    ) => void;
    const epoch = this.epoch;
    return new Promise((resolve) => {
      method.call(
        client,
        request,
        metadata,
        { deadline: Date.now() + Math.max(1, this.options.deadlineMs) },
        (error, response) => {
          if (error || response === undefined) {
            resolve({
              value: defaultValue,
              reason: 'ERROR',
              errorCode: errorCodeOf(error?.code ?? status.UNKNOWN),
              errorMessage: error?.details || error?.message || 'no response',
            });
            return;
          }
          const details = detailsOf(response, defaultValue);
          if (details.reason === 'STATIC' && this.live && epoch === this.epoch && this.cache) {
            this.cache.set(key, { ...details, reason: 'CACHED' });
          }
          resolve(details);
        },
      );
    });
  }
}
