// flagd.evaluation v1 and v2 for @connectrpc/connect's router: the Connect protocol (JSON and
// binary, unary and server-streaming), gRPC-Web, and gRPC on connections the gRPC fast path
// does not take (evaluation-port.ts). Each call is handed to the one EvaluationService, as the
// grpc-js handlers do; failures become ConnectErrors with the same code (Connect codes are gRPC
// status numbers; flagd's connect-go answers the same), so NOT_FOUND is `not_found`/404 on
// the Connect protocol. The binary codecs are served from the services whose request contexts
// are bytes (@switchyard/protocol evaluationServiceWithContextBytes): the Struct is decoded here
// within the context limits (struct-decoder.ts), never by protobuf-es.
import { type Code, ConnectError } from '@connectrpc/connect';
import type { ConnectRouter, HandlerContext } from '@connectrpc/connect';
import {
  evaluationServiceWithContextBytes,
  evaluationV1,
  evaluationV2,
} from '@switchyard/protocol';
import type { JsonObject } from '../engine.js';
import type { CallInfo, Outcome, Protocol } from './call.js';
import { peerCertificate, peerConnection } from './connect-peer.js';
import type { ConnectRoutes } from './connect-server.js';
import type { ContextError, ContextLimits } from './context-limits.js';
import type { EvaluationService, ResponseEncoding } from './evaluation-service.js';
import { EventQueue, StreamFailure } from './event-queue.js';
import type { EventStreams } from './event-stream.js';
import type { ResolveKind, ResponseMessage } from './resolve-kinds.js';
import { STATUS } from './status.js';
import type { CallFailure } from './status.js';
import { decodeContextStruct } from './struct-decoder.js';
import { resultCache } from './view-caches.js';

export interface ConnectHandlerOptions {
  readonly service: EvaluationService;
  readonly events: EventStreams;
  readonly contextLimits: ContextLimits;
}

function callInfo(context: HandlerContext): CallInfo {
  const headers = context.requestHeader;
  return {
    protocol: context.protocolName as Protocol,
    service: context.service.typeName,
    method: context.method.name,
    header: (name) => headers.get(name) ?? undefined,
    certificate: peerCertificate(context),
    connection: peerConnection(context),
  };
}

const connectError = (failure: CallFailure) =>
  new ConnectError(failure.message, failure.code as number as Code);

function answerOf<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw connectError(outcome.failure);
  return outcome.value;
}

/** Messages as they are (the router serialises them), cached per view and version. */
function messageEncoding(version: 1 | 2, kind: ResolveKind): ResponseEncoding<ResponseMessage> {
  return { cache: resultCache<ResponseMessage>(`connect-v${version}-${kind}`), encode: (m) => m };
}

/** A request as a codec decoded it: the context as JSON, or as the Struct's bytes. */
interface ResolveCall {
  readonly flagKey?: string;
  readonly context?: JsonObject | Uint8Array | undefined;
}

/** The request's context as JSON: bytes are decoded within the limits. */
function contextOf(
  options: ConnectHandlerOptions,
  context: JsonObject | Uint8Array | undefined,
): JsonObject | ContextError | undefined {
  if (!(context instanceof Uint8Array)) return context;
  return decodeContextStruct(context, { limits: options.contextLimits });
}

function resolvers(options: ConnectHandlerOptions, version: 1 | 2) {
  const resolver = (kind: ResolveKind) => {
    const encoding = messageEncoding(version, kind);
    return (call: ResolveCall, context: HandlerContext) => {
      const request = { flagKey: call.flagKey ?? '', context: contextOf(options, call.context) };
      return answerOf(
        options.service.resolve(callInfo(context), { version, kind, request }, encoding),
      ) as never;
    };
  };
  return {
    resolveBoolean: resolver('boolean'),
    resolveString: resolver('string'),
    resolveFloat: resolver('float'),
    resolveInt: resolver('int'),
    resolveObject: resolver('object'),
    eventStream: (_request: unknown, context: HandlerContext) => eventStream(options, context),
  };
}

async function* eventStream(
  options: ConnectHandlerOptions,
  context: HandlerContext,
): AsyncGenerator<{ type: string; data: JsonObject }> {
  const info = callInfo(context);
  const queue = new EventQueue();
  const span = options.service.streamSpan(info);
  let remove: (() => void) | undefined;
  let failure: CallFailure | undefined;
  const subscribed = options.service.around(info, () => {
    const selector = options.service.served(info);
    if (!selector.ok) return selector;
    const served = selector.value;
    remove = options.events.subscribe(served, queue, () =>
      options.service.stillServed(info, served),
    );
    return { ok: true, value: undefined } as const;
  });
  if (!subscribed.ok) span?.end(subscribed.failure);
  answerOf(subscribed);
  const unsubscribe = () => remove?.();
  // The client went away: the loop below ends at once (and the stream's span with it).
  const abort = () => {
    unsubscribe();
    queue.end();
  };
  context.signal.addEventListener('abort', abort, { once: true });
  try {
    for await (const event of queue) yield event.message;
  } catch (error) {
    if (error instanceof StreamFailure) {
      failure = error.failure;
      throw connectError(error.failure);
    }
    failure = { code: STATUS.UNKNOWN, message: String(error) };
    throw error;
  } finally {
    unsubscribe();
    context.signal.removeEventListener('abort', abort);
    span?.end(
      failure ??
        (context.signal.aborted
          ? { code: STATUS.CANCELLED, message: 'the client went away' }
          : undefined),
    );
  }
}

/** Both services on a Connect router, from these service descriptors. */
function routes(
  options: ConnectHandlerOptions,
  services: { readonly v1: typeof evaluationV1.Service; readonly v2: typeof evaluationV2.Service },
): (router: ConnectRouter) => void {
  return (router) => {
    router.service(services.v1, {
      ...resolvers(options, 1),
      resolveAll: (call: ResolveCall, context: HandlerContext) =>
        answerOf(
          options.service.resolveAll(callInfo(context), {
            context: contextOf(options, call.context),
          }),
        ),
    } as never);
    router.service(services.v2, resolvers(options, 2) as never);
  };
}

/** Both services for the JSON codecs and, with contexts as bytes, for the binary ones. */
export function connectRoutes(options: ConnectHandlerOptions): ConnectRoutes {
  return {
    json: routes(options, { v1: evaluationV1.Service, v2: evaluationV2.Service }),
    binary: routes(options, {
      v1: evaluationServiceWithContextBytes(1) as typeof evaluationV1.Service,
      v2: evaluationServiceWithContextBytes(2) as typeof evaluationV2.Service,
    }),
  };
}
