// Management HTTP server (flagd port 8014): /healthz, /readyz (200 once every source applied a
// first valid configuration, else 412; the JSON body names each source's state and last error),
// /metrics (Prometheus text) and /audit (recent audit entries, `?limit=N`).
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AuditView } from '@switchyard/gitops';
import { StartupError } from '../errors/startup-error.js';
import type { DaemonMetrics } from '../metrics.js';
import type { GenerationStore } from '../store/generation-store.js';

export function readinessBody(store: GenerationStore): { ready: boolean; body: string } {
  const ready = store.ready;
  const sources = store.status().map((s) => ({
    source: s.source,
    ready: s.ready,
    flags: s.flags,
    ...(s.problem ? { error: { code: s.problem.code, message: s.problem.message } } : {}),
  }));
  const body = { ready, generation: store.generation?.number ?? 0, sources };
  return { ready, body: `${JSON.stringify(body)}\n` };
}

export async function startManagementServer(
  store: GenerationStore,
  metrics: DaemonMetrics,
  options: { host: string; port: number; audit?: AuditView },
): Promise<{ server: Server; port: number }> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path === '/healthz') {
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    } else if (path === '/readyz') {
      const { ready, body } = readinessBody(store);
      response.writeHead(ready ? 200 : 412, { 'content-type': 'application/json' }).end(body);
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
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) =>
      reject(
        new StartupError(`cannot listen on ${options.host}:${options.port}: ${error.message}`, {
          cause: error,
        }),
      ),
    );
    server.listen(options.port, options.host, () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}
