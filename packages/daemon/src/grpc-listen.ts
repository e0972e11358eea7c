// Binding a grpc-js server the flagd way, shared by the sync server (--sync-port) and the
// evaluation server (--port): plain or TLS (--server-cert-path/--server-key-path, no client
// auth), on a TCP port or a unix socket, with startup failures as typed StartupErrors; and
// stopping it.
import { existsSync, lstatSync, unlinkSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { ServerCredentials } from '@grpc/grpc-js';
import type { Server } from '@grpc/grpc-js';
import { StartupError } from './errors/startup-error.js';

export interface ListenOptions {
  readonly host: string;
  readonly port: number;
  readonly socketPath?: string | undefined;
  readonly certPath?: string | undefined;
  readonly keyPath?: string | undefined;
}

export interface Bound {
  readonly server: Server;
  /** The bound TCP port; undefined on a unix socket. */
  readonly port: number | undefined;
  /** `host:port` or `unix:path`, for logs. */
  readonly address: string;
}

async function credentialsOf(options: ListenOptions): Promise<ServerCredentials> {
  if (!options.certPath && !options.keyPath) return ServerCredentials.createInsecure();
  if (!options.certPath || !options.keyPath)
    throw new StartupError('TLS needs both --server-cert-path and --server-key-path');
  try {
    const [cert, key] = await Promise.all([readFile(options.certPath), readFile(options.keyPath)]);
    return ServerCredentials.createSsl(null, [{ cert_chain: cert, private_key: key }], false);
  } catch (error) {
    throw new StartupError(`cannot load the TLS certificate or key: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** A socket file left by a previous run would make the bind fail: remove it (only a socket). */
function removeStaleSocket(path: string | undefined): void {
  if (path && existsSync(path) && lstatSync(path).isSocket()) unlinkSync(path);
}

/** Binds `server` as `options` say; rejects with a StartupError naming the address. */
export async function listen(server: Server, options: ListenOptions): Promise<Bound> {
  const credentials = await credentialsOf(options);
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
