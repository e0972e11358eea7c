// Binding and closing the daemon's node:http servers (management and OFREP), with startup
// failures as typed StartupErrors.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StartupError } from './errors/startup-error.js';

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
