// The evaluation port (--port 8013, or --socket-path): flagd.evaluation.v1 and v2 over gRPC,
// gRPC-Web and Connect (JSON and binary), HTTP/1.1 and HTTP/2 (h2c or TLS with
// --server-cert-path/--server-key-path), as flagd serves them with connect-go
// (open-feature/flagd: flagd/pkg/service/flag-evaluation/connect_service.go). One
// EvaluationService answers every protocol; the port routes each HTTP/2 stream: `application/grpc`
// to grpc-js (the fast path, grpc-bridge.ts), everything else — and all of HTTP/1.1 — to the
// Connect router (connect-server.ts). Why two libraries: docs/adr/0032.
import { createServer as createHttp1Server } from 'node:http';
import { createServer as createHttp2Server } from 'node:http2';
import type { ServerHttp2Session } from 'node:http2';
import { Server as GrpcServer } from '@grpc/grpc-js';
import type { ChannelOptions } from '@grpc/grpc-js';
import { addService } from '@switchyard/protocol';
import { listenDual } from '../dual-listen.js';
import type { DualListener } from '../dual-listen.js';
import type { ListenOptions } from '../grpc-listen.js';
import type { Logger } from '../logger.js';
import { SYNC_SERVER_OPTIONS } from '../sync/sync-server.js';
import { connectRoutes } from './connect-handlers.js';
import { DEFAULT_CONTEXT_LIMITS } from './context-limits.js';
import type { ContextLimits } from './context-limits.js';
import { connectEndpoints } from './connect-server.js';
import { unaryFastPath } from './connect-unary.js';
import { EVALUATION_CORS, cors } from './cors.js';
import type { EvaluationService } from './evaluation-service.js';
import type { EventStreams } from './event-stream.js';
import { grpcBridge, isGrpc } from './grpc-bridge.js';
import { GrpcConnections } from './grpc-connections.js';
import { limitedDefinitions } from './grpc-definitions.js';
import { GrpcHandlers } from './grpc-handlers.js';
import type { HttpInstruments } from '../metrics.js';
import { observeHttp, observeHttp2 } from '../telemetry/http-metrics.js';

const tls = (options: ListenOptions): 'http' | 'https' => (options.tls ? 'https' : 'http');

const METHOD_PATH =
  /^\/flagd\.evaluation\.v[12]\.Service\/(?:Resolve(?:Boolean|String|Float|Int|Object|All)|EventStream)$/;

/** The route of a path for metrics: an evaluation method, `other` for anything else (bounded). */
function evaluationRoute(path: string): string {
  return METHOD_PATH.test(path) ? path : 'other';
}

export interface EvaluationPortOptions extends ListenOptions {
  /** `--max-request-body`: the largest request message accepted (RESOURCE_EXHAUSTED above). */
  readonly maxRequestBody: number;
  /** `--max-request-header`: the largest request header block. */
  readonly maxRequestHeader: number;
  /** `--max-context-depth`, `--max-context-keys` (context-limits.ts). */
  readonly contextLimits?: ContextLimits;
  /** `--cors-origin` (Connect and gRPC-Web from browsers). */
  readonly corsOrigins: readonly string[];
  readonly logger: Logger;
  /** HTTP server metrics of every request and HTTP/2 stream (undefined: none). */
  readonly http?: HttpInstruments | undefined;
}

export interface EvaluationPort extends DualListener {
  /** Stops the grpc-js side too (ends its calls, forced after the grace). */
  close(graceMs?: number): Promise<void>;
}

function grpcServer(
  parts: {
    readonly service: EvaluationService;
    readonly events: EventStreams;
    readonly connections: GrpcConnections;
  },
  options: { readonly maxRequestBody: number; readonly contextLimits: ContextLimits },
) {
  // The same keepalive policy as the sync server: official providers ping every few seconds.
  const channelOptions: ChannelOptions = {
    ...SYNC_SERVER_OPTIONS,
    'grpc.max_receive_message_length': options.maxRequestBody,
  };
  const server = new GrpcServer(channelOptions);
  const handlers = new GrpcHandlers(parts);
  const definitions = limitedDefinitions(options.contextLimits);
  addService(server, definitions.v1, handlers.v1());
  addService(server, definitions.v2, handlers.v2());
  return server;
}

export async function startEvaluationPort(
  parts: { readonly service: EvaluationService; readonly events: EventStreams },
  options: EvaluationPortOptions,
): Promise<EvaluationPort> {
  const contextLimits = options.contextLimits ?? DEFAULT_CONTEXT_LIMITS;
  const connections = new GrpcConnections();
  const grpc = grpcServer(
    { ...parts, connections },
    { maxRequestBody: options.maxRequestBody, contextLimits },
  );
  const connect = connectEndpoints({
    routes: connectRoutes({ ...parts, contextLimits }),
    readMaxBytes: options.maxRequestBody,
    cors: cors(options.corsOrigins, EVALUATION_CORS),
    logger: options.logger,
    fastPath: unaryFastPath(parts.service, options.maxRequestBody),
  });
  const http1 = createHttp1Server({ maxHeaderSize: options.maxRequestHeader }, connect.http1);
  const http2 = createHttp2Server({
    // As grpc-js configures its own HTTP/2 servers.
    maxSendHeaderBlockLength: Number.MAX_SAFE_INTEGER,
    maxSessionMemory: Number.MAX_SAFE_INTEGER,
    settings: { maxHeaderListSize: options.maxRequestHeader },
  });
  http2.setTimeout(0);
  let listener: DualListener | undefined;
  const bridge = grpcBridge(grpc, () => listener?.server.address() ?? null);
  http2.on('session', (session: ServerHttp2Session) => {
    connections.track(session);
    bridge.session(session);
  });
  http2.on('stream', (stream, headers) => {
    if (isGrpc(headers)) bridge.stream(stream, headers);
    else connect.http2(stream, headers);
  });
  if (options.http) {
    const metrics = { instruments: options.http, scheme: tls(options), route: evaluationRoute };
    observeHttp(http1, metrics);
    observeHttp2(http2, metrics);
  }
  listener = await listenDual({ http1, http2 }, options);
  const bound = listener;
  return {
    ...bound,
    close: async (graceMs = 2000) => {
      const force = setTimeout(() => grpc.forceShutdown(), graceMs);
      force.unref();
      await Promise.all([
        bound.close(graceMs),
        new Promise<void>((resolve) => grpc.tryShutdown(() => resolve())),
      ]);
      clearTimeout(force);
    },
  };
}
