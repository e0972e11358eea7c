// Remote evaluation: flagd.evaluation v1/v2 over gRPC (--port or --socket-path) and OFREP over
// HTTP (--ofrep-port), both answering from the generation the sync service publishes, through
// one view cache, so every transport sees the same flags at the same time.
import { existsSync, lstatSync, unlinkSync } from 'node:fs';
import type { EvaluateOptions } from '@switchyard/core';
import type { Logger } from '../logger.js';
import type { GenerationStore } from '../store/generation-store.js';
import { stopSyncServer } from '../sync/sync-server.js';
import { contextMerger } from './context.js';
import { startEvaluationServer } from './evaluation-server.js';
import { EvaluationService } from './evaluation-service.js';
import { EventStreams, KEEP_ALIVE_MS } from './event-stream.js';
import { OfrepHandler, startOfrepServer } from './ofrep-server.js';
import { SelectorCache } from './selectors.js';
import { ViewCache } from './views.js';

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
  readonly keepAliveMs: number;
  readonly streamDeadlineMs: number;
  readonly logger: Logger;
  readonly evaluate?: EvaluateOptions;
}

export interface Remote {
  readonly ports: { readonly evaluation: number | undefined; readonly ofrep: number | undefined };
  /** `host:port` or `unix:path` of flagd.evaluation, when served. */
  readonly evaluationAddress: string | undefined;
  readonly eventStreams: EventStreams;
  /** provider_shutdown to every EventStream, then stops both servers. */
  close(): Promise<void>;
}

export async function startRemote(options: RemoteOptions): Promise<Remote> {
  const generation = () => options.store.generation;
  const views = new ViewCache();
  const selectors = new SelectorCache();
  const context = contextMerger({
    staticValues: options.contextValues,
    headerMappings: options.contextFromHeaders,
  });
  const events = new EventStreams({
    generation,
    views,
    selectors,
    keepAliveMs: options.keepAliveMs || KEEP_ALIVE_MS,
    streamDeadlineMs: options.streamDeadlineMs,
    logger: options.logger,
  });
  const unsubscribe = options.store.subscribe((event) => {
    if (event.type === 'generation') events.publish(event.generation);
  });
  const serveEvaluation = options.evaluationPort !== undefined || options.socketPath !== undefined;
  if (
    options.socketPath &&
    existsSync(options.socketPath) &&
    lstatSync(options.socketPath).isSocket()
  )
    unlinkSync(options.socketPath); // a stale socket from a previous run
  // allSettled, not all: when one server fails to start, the one that did start must be closed
  // too (Promise.all would leave it listening, unreferenced, and the process would not exit).
  const [grpcStart, httpStart] = await Promise.allSettled([
    serveEvaluation
      ? startEvaluationServer(
          new EvaluationService({
            generation,
            views,
            selectors,
            context,
            events,
            ...(options.evaluate ? { evaluate: options.evaluate } : {}),
          }),
          {
            host: options.host,
            port: options.evaluationPort ?? 0,
            socketPath: options.socketPath,
            certPath: options.certPath,
            keyPath: options.keyPath,
            maxRequestBody: options.maxRequestBody,
            maxRequestHeader: options.maxRequestHeader,
          },
        )
      : undefined,
    options.ofrepPort !== undefined
      ? startOfrepServer(
          new OfrepHandler({
            generation,
            views,
            selectors,
            context,
            corsOrigins: options.corsOrigins,
            maxRequestBody: options.maxRequestBody,
            logger: options.logger,
            ...(options.evaluate ? { evaluate: options.evaluate } : {}),
          }),
          {
            host: options.host,
            port: options.ofrepPort,
            maxRequestHeader: options.maxRequestHeader,
          },
        )
      : undefined,
  ]);
  const grpc = grpcStart.status === 'fulfilled' ? grpcStart.value : undefined;
  const http = httpStart.status === 'fulfilled' ? httpStart.value : undefined;
  const failed = [grpcStart, httpStart].find(
    (r): r is PromiseRejectedResult => r.status === 'rejected',
  );
  if (failed) {
    unsubscribe();
    events.close();
    grpc?.server.forceShutdown();
    http?.server.close();
    throw failed.reason;
  }
  const grpcServer = grpc?.server;
  const httpServer = http?.server;
  let closing: Promise<void> | undefined;
  return {
    ports: { evaluation: grpc?.port, ofrep: http?.port },
    evaluationAddress: grpc?.address,
    eventStreams: events,
    close() {
      closing ??= (async () => {
        unsubscribe();
        events.close();
        await Promise.all([
          grpcServer ? stopSyncServer(grpcServer) : undefined,
          httpServer
            ? new Promise<void>((resolve) => {
                httpServer.close(() => resolve());
                httpServer.closeAllConnections();
              })
            : undefined,
        ]);
      })();
      return closing;
    },
  };
}
