// Management HTTP server (flagd port 8014): /healthz (liveness: 200 while the process answers),
// /readyz (200 while flags are served, degraded or not, else 412; the JSON body is the health
// report, packages/daemon/README.md "Health"), /metrics (Prometheus text), /audit (recent
// audit entries, `?limit=N`) and /flags (the flag configuration per selector, with an ETag:
// flags-endpoint.ts), over HTTP/1.1 and HTTP/2 (h2c or TLS-less, like flagd's), plus the gRPC
// health service grpc.health.v1 (health/grpc-health.ts) on HTTP/2 as flagd serves it.
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
}

export interface ManagementServer {
  readonly server: Server;
  readonly port: number;
  /** gRPC health watchers get NOT_SERVING, then every connection is closed. */
  close(): Promise<void>;
}

export async function startManagementServer(options: ManagementOptions): Promise<ManagementServer> {
  const { metrics } = options;
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path === '/healthz') {
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    } else if (path === '/readyz') {
      const report = options.health();
      response
        .writeHead(report.ready ? 200 : 412, { 'content-type': 'application/json' })
        .end(`${JSON.stringify(report)}\n`);
    } else if (path === '/audit' && options.audit) {
      const limit = new URL(request.url ?? '/', 'http://localhost').searchParams.get('limit');
      if (limit !== null && !/^\d+$/.test(limit)) {
        response
          .writeHead(400, { 'content-type': 'text/plain' })
          .end('limit must be a non-negative integer\n');
      } else {
        const lines = options.audit.recentLines(limit === null ? undefined : Number(limit));
        response
          .writeHead(200, { 'content-type': 'application/json' })
          .end(`{"entries":[${lines.join(',')}]}\n`);
      }
    } else if (path === FLAGS_PATH && options.store) {
      serveFlags(options.store, request, response).catch((error: Error) => {
        if (!response.headersSent) response.writeHead(500);
        response.end(`${error.message}\n`);
      });
    } else if (path === '/metrics') {
      metrics.registry.metrics().then(
        (text) =>
          response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
        (error: Error) => response.writeHead(500).end(`${error.message}\n`),
      );
    } else {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    }
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
