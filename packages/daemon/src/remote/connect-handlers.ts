// flagd.evaluation v1 and v2 for @connectrpc/connect's router: the Connect protocol (JSON and
// binary, unary and server-streaming), gRPC-Web, and gRPC on connections the gRPC fast path
// does not take (evaluation-port.ts). Each call is handed to the one EvaluationService, as the
// grpc-js handlers do; failures become ConnectErrors with the same code (Connect codes are gRPC
// status numbers; flagd's connect-go answers the same), so NOT_FOUND is `not_found`/404 on
// the Connect protocol.
import { type Code, ConnectError } from '@connectrpc/connect';
import type { ConnectRouter, HandlerContext } from '@connectrpc/connect';
import { evaluationV1, evaluationV2 } from '@switchyard/protocol';
import type { JsonObject } from '../engine.js';
import type { CallInfo, Outcome, Protocol } from './call.js';
import type { EvaluationService, ResponseEncoding } from './evaluation-service.js';
import { selectorOf } from './evaluation-service.js';
import { EventQueue, StreamFailure } from './event-queue.js';
import type { EventStreams } from './event-stream.js';
import type { ResolveKind, ResponseMessage } from './resolve-kinds.js';
import type { CallFailure } from './status.js';
import { resultCache } from './view-caches.js';

export interface ConnectHandlerOptions {
  readonly service: EvaluationService;
  readonly events: EventStreams;
}

function callInfo(context: HandlerContext): CallInfo {
  const headers = context.requestHeader;
  return {
    protocol: context.protocolName as Protocol,
    service: context.service.typeName,
    method: context.method.name,
    header: (name) => headers.get(name) ?? undefined,
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

interface ResolveCall {
  readonly flagKey: string;
  readonly context?: JsonObject | undefined;
}

function resolvers(options: ConnectHandlerOptions, version: 1 | 2) {
  const resolver = (kind: ResolveKind) => {
    const encoding = messageEncoding(version, kind);
    return (request: ResolveCall, context: HandlerContext) =>
      answerOf(
        options.service.resolve(callInfo(context), { version, kind, request }, encoding),
      ) as never;
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
  let remove: (() => void) | undefined;
  answerOf(
    options.service.around(info, () => {
      const selector = selectorOf(info.header);
      if (!selector.ok) return selector;
      remove = options.events.subscribe(selector.value, queue);
      return { ok: true, value: undefined } as const;
    }),
  );
  const unsubscribe = () => remove?.();
  context.signal.addEventListener('abort', unsubscribe, { once: true });
  try {
    for await (const event of queue) yield event.message;
  } catch (error) {
    if (error instanceof StreamFailure) throw connectError(error.failure);
    throw error;
  } finally {
    unsubscribe();
    context.signal.removeEventListener('abort', unsubscribe);
  }
}

/** Registers both services on a Connect router. */
export function connectRoutes(options: ConnectHandlerOptions): (router: ConnectRouter) => void {
  return (router) => {
    router.service(evaluationV1.Service, {
      ...resolvers(options, 1),
      resolveAll: (request: { context?: JsonObject | undefined }, context: HandlerContext) =>
        answerOf(options.service.resolveAll(callInfo(context), request)),
    } as never);
    router.service(evaluationV2.Service, resolvers(options, 2) as never);
  };
}
