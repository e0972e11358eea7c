// Remote evaluation: flagd.evaluation v1/v2 over gRPC (--port or --socket-path) and OFREP over
// HTTP (--ofrep-port), both answering from the views of the generation the sync service
// publishes, so every transport sees the same flags at the same time.
import type { Server as HttpServer } from 'node:http';
import type { EvaluateOptions } from '../engine.js';
import { closeHttpServer } from '../http-listen.js';
import type { Logger } from '../logger.js';
import type { HttpInstruments, RpcInstruments } from '../metrics.js';
import { rpcCallMetrics } from '../telemetry/rpc-metrics.js';
import type { EvaluationTelemetry } from '../telemetry/evaluation-telemetry.js';
import { observeHttp } from '../telemetry/http-metrics.js';
import type { GenerationStore } from '../store/generation-store.js';
import type { Selector } from '../store/selector.js';
import type { FlagView } from '../store/view.js';
import type { CallInterceptor } from './call.js';
import type { ContextLimits } from './context-limits.js';
import { contextMerger } from './context.js';
import type { ContextMerger } from './context.js';
import { startEvaluationPort } from './evaluation-port.js';
import type { EvaluationPort } from './evaluation-port.js';
import { EvaluationService } from './evaluation-service.js';
import { EventStreams, KEEP_ALIVE_MS } from './event-stream.js';
import { OfrepHandler, ofrepRoute, startOfrepServer } from './ofrep-server.js';

/** flagd's default for --max-request-body and --max-request-header. */
export const DEFAULT_REQUEST_LIMIT = 1_000_000;

export interface RemoteOptions {
  readonly store: GenerationStore;
  readonly host: string;
  /** flagd.evaluation port; undefined = not served (unless `socketPath`). 0 = any free port. */
  readonly evaluationPort?: number | undefined;
  /** Serve flagd.evaluation on this unix socket instead of the port. */
  readonly socketPath?: string | undefined;
  /** OFREP port; undefined = not served. 0 = any free port. */
  readonly ofrepPort?: number | undefined;
  readonly certPath?: string | undefined;
  readonly keyPath?: string | undefined;
  readonly contextValues: Readonly<Record<string, string>>;
  readonly contextFromHeaders: Readonly<Record<string, string>>;
  readonly corsOrigins: readonly string[];
  readonly maxRequestBody: number;
  readonly maxRequestHeader: number;
  /** Shape limits of a request's evaluation context (context-limits.ts), on every transport. */
  readonly contextLimits?: ContextLimits;
  readonly keepAliveMs: number;
  readonly streamDeadlineMs: number;
  /** An EventStream write not flushed after this long resets the stream. */
  readonly stallMs?: number | undefined;
  /** Called for each EventStream reset for stalling. */
  readonly onStall?: (stalledMs: number) => void;
  readonly logger: Logger;
  readonly evaluate?: EvaluateOptions;
  /** Around every call on the evaluation port, whatever the protocol (authentication, tracing). */
  readonly interceptors?: readonly CallInterceptor[];
  /** Evaluation counts and spans (every transport), HTTP and RPC metrics of both ports. */
  readonly telemetry?: RemoteTelemetry | undefined;
}

export interface RemoteTelemetry extends EvaluationTelemetry {
  readonly http: HttpInstruments | undefined;
  readonly rpc: RpcInstruments | undefined;
}

export interface Remote {
  readonly ports: { readonly evaluation: number | undefined; readonly ofrep: number | undefined };
  /** `host:port` or `unix:path` of flagd.evaluation, when served. */
  readonly evaluationAddress: string | undefined;
  readonly eventStreams: EventStreams;
  /** provider_shutdown to every EventStream, then stops both servers. */
  close(): Promise<void>;
}

/** What both remote servers share: where they read flags and how they build a context. */
interface Shared {
  readonly options: RemoteOptions;
  readonly view: (selector: Selector) => FlagView;
  readonly context: ContextMerger;
  readonly events: EventStreams;
}

function startEvaluation(shared: Shared): Promise<EvaluationPort | undefined> {
  const { options } = shared;
  if (options.evaluationPort === undefined && options.socketPath === undefined) {
    return Promise.resolve(undefined);
  }
  const service = new EvaluationService({
    view: shared.view,
    context: shared.context,
    interceptors: [
      ...(options.telemetry?.rpc ? [rpcCallMetrics(options.telemetry.rpc)] : []),
      ...(options.interceptors ?? []),
    ],
    telemetry: options.telemetry,
    ...(options.contextLimits ? { contextLimits: options.contextLimits } : {}),
    ...(options.evaluate ? { evaluate: options.evaluate } : {}),
  });
  return startEvaluationPort(
    { service, events: shared.events },
    {
      host: options.host,
      port: options.evaluationPort ?? 0,
      socketPath: options.socketPath,
      certPath: options.certPath,
      keyPath: options.keyPath,
      maxRequestBody: options.maxRequestBody,
      maxRequestHeader: options.maxRequestHeader,
      ...(options.contextLimits ? { contextLimits: options.contextLimits } : {}),
      corsOrigins: options.corsOrigins,
      logger: options.logger,
      http: options.telemetry?.http,
    },
  );
}

async function startHttp(
  shared: Shared,
): Promise<{ server: HttpServer; port: number } | undefined> {
  const { options } = shared;
  if (options.ofrepPort === undefined) return undefined;
  const handler = new OfrepHandler({
    view: shared.view,
    context: shared.context,
    corsOrigins: options.corsOrigins,
    maxRequestBody: options.maxRequestBody,
    ...(options.contextLimits ? { contextLimits: options.contextLimits } : {}),
    logger: options.logger,
    telemetry: options.telemetry,
    ...(options.evaluate ? { evaluate: options.evaluate } : {}),
  });
  const started = await startOfrepServer(handler, {
    host: options.host,
    port: options.ofrepPort,
    maxRequestHeader: options.maxRequestHeader,
  });
  if (options.telemetry?.http) {
    observeHttp(started.server, {
      instruments: options.telemetry.http,
      scheme: 'http',
      route: ofrepRoute,
    });
  }
  return started;
}

export async function startRemote(options: RemoteOptions): Promise<Remote> {
  const view = (selector: Selector) => options.store.view(selector);
  const events = new EventStreams({
    view,
    keepAliveMs: options.keepAliveMs || KEEP_ALIVE_MS,
    streamDeadlineMs: options.streamDeadlineMs,
    ...(options.stallMs !== undefined ? { stallMs: options.stallMs } : {}),
    ...(options.onStall ? { onStall: options.onStall } : {}),
    logger: options.logger,
  });
  const shared: Shared = {
    options,
    view,
    context: contextMerger({
      staticValues: options.contextValues,
      headerMappings: options.contextFromHeaders,
    }),
    events,
  };
  const unsubscribe = options.store.subscribe((event) => {
    if (event.type === 'generation') events.publish(event.generation);
  });
  // allSettled: when one server fails to start, the other must not be left listening.
  const [grpc, http] = await Promise.allSettled([startEvaluation(shared), startHttp(shared)]);
  if (grpc.status === 'rejected' || http.status === 'rejected') {
    unsubscribe();
    if (grpc.status === 'fulfilled') await grpc.value?.close(0);
    if (http.status === 'fulfilled' && http.value) await closeHttpServer(http.value.server);
    throw grpc.status === 'rejected' ? grpc.reason : (http as PromiseRejectedResult).reason;
  }
  let closing: Promise<void> | undefined;
  return {
    ports: { evaluation: grpc.value?.port, ofrep: http.value?.port },
    evaluationAddress: grpc.value?.address,
    eventStreams: events,
    close() {
      closing ??= (async () => {
        unsubscribe();
        events.close();
        await Promise.all([
          grpc.value?.close(),
          http.value ? closeHttpServer(http.value.server) : undefined,
        ]);
      })();
      return closing;
    },
  };
}
