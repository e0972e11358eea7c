// Management HTTP server (flagd port 8014): /healthz (liveness: 200 while the process answers),
// /readyz (200 while flags are served, degraded or not, else 412; the JSON body is the health
// report, packages/daemon/README.md "Health"), /metrics (Prometheus text), /audit (recent audit
// entries, `?limit=N`), /flags (the flag configuration per selector, with an ETag:
// flags-endpoint.ts) and the operator's console under /ui/ (console/console.ts). Routes are a
// table (routes.ts) and every non-public one passes the one guard. HTTP/1.1 and HTTP/2 (h2c, like
// flagd's) serve the same routes, and HTTP/2 also the gRPC health service grpc.health.v1
// (health/grpc-health.ts) as flagd serves it there: a probe, public like /healthz and /readyz.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttp2Server } from 'node:http2';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import type { AuditView } from '@switchyard/gitops';
import { listenDual } from '../dual-listen.js';
import { HEALTH_SERVICES, grpcHealth } from '../health/grpc-health.js';
import type { HealthSource } from '../health/grpc-health.js';
import type { HealthReport } from '../health/health-report.js';
import type { DaemonMetrics } from '../metrics.js';
import {
  dispatch,
  type ManagementGuard,
  type ManagementRoute,
  sendJson,
  sendText,
} from './routes.js';
import type { GenerationStore } from '../store/generation-store.js';
import { FLAGS_PATH, serveFlags } from './flags-endpoint.js';

export interface ManagementOptions {
  readonly host: string;
  readonly port: number;
  readonly health: () => HealthReport;
  readonly metrics: DaemonMetrics;
  readonly audit?: AuditView | undefined;
  /** When readiness may have changed (gRPC health Watch). */
  readonly healthChanges: HealthSource['subscribe'];
  /** Serves /flags from it (undefined: no /flags). */
  readonly store?: GenerationStore | undefined;
  /** More routes (the console). */
  readonly routes?: readonly ManagementRoute[];
  /** Decides on every non-public route (default: everything is let through). */
  readonly guard?: ManagementGuard | undefined;
}

/** The daemon's own routes: probes, metrics, the audit trail and /flags. */
export function coreRoutes(options: ManagementOptions): ManagementRoute[] {
  const { metrics, audit, store } = options;
  return [
    { path: '/healthz', public: true, handle: (_, res) => sendText(res, 200, 'ok') },
    {
      path: '/readyz',
      public: true,
      handle: (_, res) => {
        const report = options.health();
        sendJson(res, report.ready ? 200 : 412, report);
      },
    },
    {
      path: '/metrics',
      handle: async (_, res) => {
        const { contentType, text } = await metrics.prometheus();
        res.writeHead(200, { 'content-type': contentType }).end(text);
      },
    },
    ...(audit === undefined
      ? []
      : [
          {
            path: '/audit',
            handle: (req, res) => {
              const limit = req.query.get('limit');
              if (limit !== null && !/^\d+$/.test(limit))
                return sendText(res, 400, 'limit must be a non-negative integer');
              const lines = audit.recentLines(limit === null ? undefined : Number(limit));
              res
                .writeHead(200, { 'content-type': 'application/json' })
                .end(`{"entries":[${lines.join(',')}]}\n`);
            },
          } satisfies ManagementRoute,
        ]),
    ...(store === undefined
      ? []
      : [
          {
            path: FLAGS_PATH,
            handle: (req, res) => serveFlags(store, req.raw, res),
          } satisfies ManagementRoute,
        ]),
  ];
}

export interface ManagementServer {
  readonly server: Server;
  readonly port: number;
  /** gRPC health watchers get NOT_SERVING, then every connection is closed. */
  close(): Promise<void>;
}

export async function startManagementServer(options: ManagementOptions): Promise<ManagementServer> {
  const routes = [...coreRoutes(options), ...(options.routes ?? [])];
  const server = createServer((request, response) => {
    dispatch(routes, options.guard, request, response).catch((error: Error) => {
      if (!response.headersSent) sendText(response, 500, error.message);
      else response.destroy(error);
    });
  });
  const health = grpcHealth(
    { ready: () => options.health().ready, subscribe: options.healthChanges },
    HEALTH_SERVICES,
  );
  // HTTP/2: gRPC health (and the same over Connect), every other path as over HTTP/1.1.
  const http2 = createHttp2Server(
    connectNodeAdapter({
      routes: health.routes,
      fallback: (request, response) =>
        server.emit('request', request as IncomingMessage, response as unknown as ServerResponse),
    }),
  );
  const listener = await listenDual({ http1: server, http2 }, { ...options, port: options.port });
  return {
    server,
    port: listener.port ?? options.port,
    close: () => {
      health.shutdown();
      return listener.close();
    },
  };
}
