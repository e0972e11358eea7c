// Binding a grpc-js server the flagd way, shared by the sync server (--sync-port) and the
// evaluation server (--port): plain or TLS (tls/server-tls.ts: -c/-k, reloaded on change, and
// client certificates with --client-ca-path), on a TCP port or a unix socket, with startup
// failures as typed StartupErrors; and stopping it.
import { existsSync, lstatSync, unlinkSync } from 'node:fs';
import type { Server } from '@grpc/grpc-js';
import { StartupError } from './errors/startup-error.js';
import { grpcServerCredentials } from './tls/grpc-credentials.js';
import type { ServerTls } from './tls/server-tls.js';

export interface ListenOptions {
  readonly host: string;
  readonly port: number;
  readonly socketPath?: string | undefined;
  /** TLS (undefined: plaintext). */
  readonly tls?: ServerTls | undefined;
}

export interface Bound {
  readonly server: Server;
  /** The bound TCP port; undefined on a unix socket. */
  readonly port: number | undefined;
  /** `host:port` or `unix:path`, for logs. */
  readonly address: string;
}

/** A socket file left by a previous run would make the bind fail: remove it (only a socket). */
function removeStaleSocket(path: string | undefined): void {
  if (path && existsSync(path) && lstatSync(path).isSocket()) unlinkSync(path);
}

/** Binds `server` as `options` say; rejects with a StartupError naming the address. */
export async function listen(server: Server, options: ListenOptions): Promise<Bound> {
  const credentials = grpcServerCredentials(options.tls);
  removeStaleSocket(options.socketPath);
  const address = options.socketPath
    ? `unix:${options.socketPath}`
    : `${options.host}:${options.port}`;
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(address, credentials, (error, bound) => {
      if (error) {
        reject(
          new StartupError(`cannot listen on ${address}: ${error.message}`, {
            cause: error,
          }),
        );
      } else resolve(bound);
    });
  });
  return options.socketPath
    ? { server, port: undefined, address }
    : { server, port, address: `${options.host}:${port}` };
}

/** Stops accepting calls and waits for open calls to end (forcing them after `graceMs`). */
export function stopGrpcServer(server: Server, graceMs = 2000): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, graceMs);
    server.tryShutdown(() => {
      clearTimeout(force);
      resolve();
    });
  });
}
