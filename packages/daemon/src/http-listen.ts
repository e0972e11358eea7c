// Creating, binding and closing the daemon's HTTP servers (management and OFREP): plaintext, or
// HTTPS with the daemon's TLS (tls/server-tls.ts), whose certificate follows every reload; with
// startup failures as typed StartupErrors.
import { createServer as createHttpServer } from 'node:http';
import type { RequestListener, Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { StartupError } from './errors/startup-error.js';
import type { ServerTls } from './tls/server-tls.js';

export interface HttpServerOptions {
  readonly tls?: ServerTls | undefined;
  /**
   * With --client-ca-path: refuse a handshake without a valid client certificate (true), or
   * ask for one and leave the decision to the routes (false: the management port's probes).
   */
  readonly requireClientCertificate: boolean;
  readonly maxHeaderSize?: number | undefined;
}

/** An http.Server, or an https.Server that takes each reloaded certificate. */
export function createServer(options: HttpServerOptions, listener: RequestListener): Server {
  const base = options.maxHeaderSize === undefined ? {} : { maxHeaderSize: options.maxHeaderSize };
  const { tls } = options;
  if (tls === undefined) return createHttpServer(base, listener);
  const server = createHttpsServer(
    { ...base, ...tls.serverOptions(options.requireClientCertificate) },
    listener,
  );
  // A handshake that fails (no or a wrong client certificate, plaintext on the TLS port) is
  // the client's problem; it must not reach the 'error' handlers.
  server.on('tlsClientError', () => {});
  const unsubscribe = tls.subscribe(() => server.setSecureContext(tls.contextOptions()));
  server.once('close', unsubscribe);
  return server as unknown as Server;
}

export interface HttpListenOptions {
  readonly host: string;
  readonly port: number;
  /** Named in the error message (`OFREP`), when the address alone does not say which server. */
  readonly label?: string;
}

/** Listens; resolves with the bound port, rejects with a StartupError naming the address. */
export async function listenHttp(server: Server, options: HttpListenOptions): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => {
      const what = options.label ? ` (${options.label})` : '';
      reject(
        new StartupError(
          `cannot listen on ${options.host}:${options.port}${what}: ${error.message}`,
          { cause: error },
        ),
      );
    });
    server.listen(options.port, options.host, () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

/** Stops listening and ends every open connection (keep-alive ones included). */
export function closeHttpServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
