// flagd.evaluation.v1.Service and flagd.evaluation.v2.Service handlers
// (https://flagd.dev/reference/specifications/protos/, open-feature/flagd:
// flagd/pkg/service/flag-evaluation). Every call reads the `flagd-selector` header, evaluates with
// @switchyard/core against the selector's view of the current generation, and answers flagd's
// shapes and status codes. Responses of snapshot-level results (STATIC, and TARGETING_MATCH of a variant) are
// encoded once per view and written as bytes afterwards.
import { status } from '@grpc/grpc-js';
import type { Metadata, ServerUnaryCall } from '@grpc/grpc-js';
import {
  type EvaluationV1ServiceDefinition,
  type EvaluationV2ServiceDefinition,
  SELECTOR_METADATA_KEY,
  encode,
  type evaluationV1,
  preEncoded,
} from '@switchyard/protocol';
import type { PreEncoded, ServiceImplementation } from '@switchyard/protocol';
import { ERROR_CODES, evaluateAll } from '../engine.js';
import type { EvaluateOptions, JsonObject } from '../engine.js';
import { InvalidSelectorError } from '../errors/invalid-selector-error.js';
import { metadataValue } from '../grpc-metadata.js';
import { parseSelector } from '../store/selector.js';
import type { Selector } from '../store/selector.js';
import type { FlagView } from '../store/view.js';
import type { ContextError } from './context-limits.js';
import { isContextError } from './context-limits.js';
import type { ContextMerger } from './context.js';
import type { EventStreams } from './event-stream.js';
import { KINDS, resolveKind, responseMessage } from './resolve-kinds.js';
import type { ResolveKind } from './resolve-kinds.js';
import { grpcError } from './status.js';
import { reflection, resultCache } from './view-caches.js';

export interface EvaluationServiceOptions {
  /** The selector's view of the current generation. */
  readonly view: (selector: Selector) => FlagView;
  readonly context: ContextMerger;
  readonly events: EventStreams;
  /** Clock for `$flagd.timestamp` (tests). */
  readonly evaluate?: EvaluateOptions;
}

interface ResolveRequest {
  readonly flagKey: string;
  readonly context?: JsonObject | undefined;
}

/**
 * What a request deserializer gives a handler: the request, or why its context was refused
 * (evaluation-server.ts decodes within the context limits; a refusal must not be thrown there,
 * grpc-js would answer INTERNAL).
 */
type Decoded<R> = R | ContextError;

type ServiceError = { code: status; details: string };

/** A unary callback also accepts bytes encoded earlier (the method's serializer passes them). */
type Reply = (error: ServiceError | null, response?: unknown) => void;

export class EvaluationService {
  private readonly options: EvaluationServiceOptions;
  private readonly evaluateOptions: EvaluateOptions;

  constructor(options: EvaluationServiceOptions) {
    this.options = options;
    this.evaluateOptions = options.evaluate ?? {};
  }

  private selectorOf(metadata: Metadata, reply: Reply): Selector | undefined {
    try {
      return parseSelector(metadataValue(metadata, SELECTOR_METADATA_KEY));
    } catch (error) {
      if (!(error instanceof InvalidSelectorError)) throw error;
      reply({ code: status.INVALID_ARGUMENT, details: error.message });
      return undefined;
    }
  }

  /** The request, or undefined once a refused context was answered. */
  private requestOf<R>(call: ServerUnaryCall<Decoded<R>, unknown>, reply: Reply): R | undefined {
    const request = call.request;
    if (!isContextError(request)) return request;
    reply({ code: ERROR_CODES[request.code].grpcStatus, details: request.message });
    return undefined;
  }

  private resolve(version: 1 | 2, kind: ResolveKind) {
    const schemaOf = KINDS[kind];
    const schema = version === 1 ? schemaOf.v1 : schemaOf.v2;
    const responses = resultCache<PreEncoded>(`grpc-v${version}-${kind}`);
    return (call: ServerUnaryCall<Decoded<ResolveRequest>, unknown>, callback: Reply): void => {
      const request = this.requestOf(call, callback);
      if (request === undefined) return;
      const selector = this.selectorOf(call.metadata, callback);
      if (selector === undefined) return;
      const view = this.options.view(selector);
      const context = this.options.context.merge(request.context, (name) =>
        metadataValue(call.metadata, name),
      );
      const result = resolveKind(view, {
        kind,
        flagKey: request.flagKey,
        context,
        options: this.evaluateOptions,
      });
      if (result.errorCode !== undefined) {
        callback(grpcError(result.errorCode, result.errorMessage));
        return;
      }
      // Snapshot-level results are frozen and shared: their encoded response is reusable.
      const cacheable = Object.isFrozen(result);
      const cache = cacheable ? view.cached(responses) : undefined;
      const cached = cache?.get(result);
      if (cached !== undefined) {
        callback(null, cached);
        return;
      }
      const message = responseMessage(view, { version, kind, result });
      if (message === undefined) {
        callback(
          grpcError(
            'FLAG_NOT_FOUND',
            `flag "${request.flagKey}" has no default variant (flagd.evaluation.v1 reports this as not found)`,
          ),
        );
        return;
      }
      if (cache === undefined) {
        callback(null, message);
        return;
      }
      const bytes = preEncoded(encode(schema as never, message as never));
      cache.set(result, bytes);
      callback(null, bytes);
    };
  }

  /** v1 ResolveAll: flags with a value only (flagd skips code-default, disabled and errored flags). */
  private resolveAll(
    call: ServerUnaryCall<Decoded<{ context?: JsonObject | undefined }>, unknown>,
    callback: Reply,
  ): void {
    const request = this.requestOf(call, callback);
    if (request === undefined) return;
    const selector = this.selectorOf(call.metadata, callback);
    if (selector === undefined) return;
    const view = this.options.view(selector);
    const context = this.options.context.merge(request.context, (name) =>
      metadataValue(call.metadata, name),
    );
    callback(
      null,
      resolveAllResponse(view, evaluateAll(view.snapshot, context, this.evaluateOptions)),
    );
  }

  v1(): ServiceImplementation<typeof EvaluationV1ServiceDefinition> {
    const r = (kind: ResolveKind) => this.resolve(1, kind) as never;
    return {
      resolveAll: ((call: never, callback: Reply) => this.resolveAll(call, callback)) as never,
      resolveBoolean: r('boolean'),
      resolveString: r('string'),
      resolveFloat: r('float'),
      resolveInt: r('int'),
      resolveObject: r('object'),
      eventStream: (call) => this.options.events.subscribe(call, 1),
    };
  }

  v2(): ServiceImplementation<typeof EvaluationV2ServiceDefinition> {
    const r = (kind: ResolveKind) => this.resolve(2, kind) as never;
    return {
      resolveBoolean: r('boolean'),
      resolveString: r('string'),
      resolveFloat: r('float'),
      resolveInt: r('int'),
      resolveObject: r('object'),
      eventStream: (call) => this.options.events.subscribe(call, 2),
    };
  }
}

function anyFlagValue(value: unknown): evaluationV1.AnyFlag['value'] | undefined {
  switch (typeof value) {
    case 'boolean':
      return { case: 'boolValue', value };
    case 'string':
      return { case: 'stringValue', value };
    case 'number':
      return { case: 'doubleValue', value };
    case 'object':
      return value !== null && !Array.isArray(value)
        ? { case: 'objectValue', value: value as JsonObject }
        : undefined;
    default:
      return undefined;
  }
}

export function resolveAllResponse(
  view: FlagView,
  results: ReturnType<typeof evaluateAll>,
): evaluationV1.ResolveAllResponse {
  const flags: Record<string, evaluationV1.AnyFlag> = {};
  for (const [key, result] of results) {
    if (result.errorCode !== undefined || result.variant === undefined) continue;
    const value = anyFlagValue(result.value);
    if (value === undefined) continue;
    flags[key] = {
      $typeName: 'flagd.evaluation.v1.AnyFlag',
      reason: result.reason,
      variant: result.variant,
      value,
      metadata: result.flagMetadata as JsonObject,
    };
  }
  return {
    $typeName: 'flagd.evaluation.v1.ResolveAllResponse',
    flags,
    metadata: reflection(view) as JsonObject,
  };
}
