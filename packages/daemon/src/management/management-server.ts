// Management HTTP server (flagd port 8014): /healthz (liveness: 200 while the process answers),
// /readyz (200 while flags are served, degraded or not, else 412; the JSON body is the health
// report, packages/daemon/README.md "Health"), /metrics (Prometheus text), /audit (recent
// audit entries, `?limit=N`) and /flags (the flag configuration per selector, with an ETag:
// flags-endpoint.ts).
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AuditView } from '@switchyard/gitops';
import type { HealthReport } from '../health/health-report.js';
import { listenHttp } from '../http-listen.js';
import type { DaemonMetrics } from '../metrics.js';
import type { GenerationStore } from '../store/generation-store.js';
import { FLAGS_PATH, serveFlags } from './flags-endpoint.js';

export interface ManagementOptions {
  readonly host: string;
  readonly port: number;
  readonly health: () => HealthReport;
  readonly metrics: DaemonMetrics;
  readonly audit?: AuditView | undefined;
  /** Serves /flags from it (undefined: no /flags). */
  readonly store?: GenerationStore | undefined;
}

export async function startManagementServer(
  options: ManagementOptions,
): Promise<{ server: Server; port: number }> {
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
  const port = await listenHttp(server, options);
  return { server, port };
}
