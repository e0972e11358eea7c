// Management HTTP server (flagd port 8014): /healthz (liveness: 200 while the process answers),
// /readyz (200 while flags are served, degraded or not, else 412; the JSON body is the health
// report, packages/daemon/README.md "Health"), /metrics (Prometheus text), /audit (recent audit
// entries, `?limit=N`), /flags (the flag configuration per selector, with an ETag:
// flags-endpoint.ts) and the operator's console under /ui/ (console/console.ts). Routes are a
// table (routes.ts) and every non-public one passes the one guard.
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AuditView } from '@switchyard/gitops';
import type { HealthReport } from '../health/health-report.js';
import { listenHttp } from '../http-listen.js';
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
        const text = await metrics.registry.metrics();
        res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text);
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

export async function startManagementServer(
  options: ManagementOptions,
): Promise<{ server: Server; port: number }> {
  const routes = [...coreRoutes(options), ...(options.routes ?? [])];
  const server = createServer((request, response) => {
    dispatch(routes, options.guard, request, response).catch((error: Error) => {
      if (!response.headersSent) sendText(response, 500, error.message);
      else response.destroy(error);
    });
  });
  const port = await listenHttp(server, options);
  return { server, port };
}
