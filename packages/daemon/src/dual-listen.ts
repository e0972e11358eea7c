// One port, HTTP/1.1 and HTTP/2, plaintext (h2c with prior knowledge) or TLS (ALPN h2 and
// http/1.1; tls/server-tls.ts: reloaded certificates, client certificates), on TCP or a unix socket — as flagd serves its evaluation port with h2c and its
// management port (open-feature/flagd: flagd/pkg/service/flag-evaluation/connect_service.go).
// Plaintext connections are told apart by their first bytes (the HTTP/2 client preface), TLS
// ones by ALPN; each goes to the HTTP/1.1 or the HTTP/2 server, which never listen themselves.
import { existsSync, lstatSync, unlinkSync } from 'node:fs';
import type { Server as HttpServer } from 'node:http';
import type { Http2Server, ServerHttp2Session } from 'node:http2';
import { type AddressInfo, type Server, type Socket, createServer } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { TLSSocket } from 'node:tls';
import { StartupError } from './errors/startup-error.js';
import type { ListenOptions } from './grpc-listen.js';

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

/**
 * How long a plaintext connection may take to send the bytes that say which HTTP it speaks. Until
 * then no server owns it (neither one's timeouts apply), so a silent connection is dropped here.
 */
export const SNIFF_TIMEOUT_MS = 10_000;

export interface DualServers {
  readonly http1: HttpServer;
  readonly http2: Http2Server;
  /** How long a plaintext connection may stay undecided (default {@link SNIFF_TIMEOUT_MS}). */
  readonly sniffTimeoutMs?: number;
}

export interface DualListener {
  readonly server: Server;
  /** The bound TCP port; undefined on a unix socket. */
  readonly port: number | undefined;
  /** `host:port` or `unix:path`, for logs. */
  readonly address: string;
  /** Stops accepting; ends HTTP/1.1 connections and HTTP/2 sessions (forced after `graceMs`). */
  close(graceMs?: number): Promise<void>;
}

/** Reads until the bytes are (or cannot be) the HTTP/2 preface, then routes the socket. */
function sniff(socket: Socket, timeoutMs: number, route: (http2: boolean) => void): void {
  let seen: Buffer = Buffer.alloc(0);
  const silent = () => socket.destroy();
  const onData = (chunk: Buffer) => {
    seen = seen.length === 0 ? chunk : Buffer.concat([seen, chunk]);
    const n = Math.min(seen.length, PREFACE.length);
    const prefix = seen.subarray(0, n).equals(PREFACE.subarray(0, n));
    if (prefix && n < PREFACE.length) return; // the preface may still be on its way
    socket.off('data', onData);
    socket.off('timeout', silent);
    socket.setTimeout(0);
    socket.pause();
    socket.unshift(seen);
    route(prefix);
  };
  socket.setTimeout(timeoutMs);
  socket.once('timeout', silent);
  socket.on('data', onData);
}

function bind(server: Server, options: ListenOptions, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error) =>
      reject(new StartupError(`cannot listen on ${address}: ${error.message}`, { cause: error })),
    );
    if (options.socketPath) server.listen(options.socketPath, resolve);
    else server.listen(options.port, options.host, resolve);
  });
}

export interface DualListenOptions extends ListenOptions {
  /**
   * With --client-ca-path: refuse a handshake without a valid client certificate (the
   * evaluation port), or ask for one and leave the decision to the routes (false: the
   * management port, whose probes a kubelet reads without one).
   */
  readonly requireClientCertificate?: boolean;
}

/** A TLS server on the daemon's certificate (ALPN h2 and http/1.1), following its reloads. */
function tlsServer(options: DualListenOptions, accept: (socket: TLSSocket) => void): Server {
  const tls = options.tls!;
  const server = createTlsServer(
    {
      ...tls.serverOptions(options.requireClientCertificate ?? true),
      ALPNProtocols: ['h2', 'http/1.1'],
    },
    accept,
  );
  server.on('tlsClientError', () => {});
  const unsubscribe = tls.subscribe(() => server.setSecureContext(tls.contextOptions()));
  server.once('close', unsubscribe);
  return server;
}

export async function listenDual(
  servers: DualServers,
  options: DualListenOptions,
): Promise<DualListener> {
  const { tls } = options;
  const sessions = new Set<ServerHttp2Session>();
  servers.http2.on('session', (session: ServerHttp2Session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  const toHttp2 = (socket: Socket) => servers.http2.emit('connection', socket);
  const toHttp1 = (socket: Socket) => {
    servers.http1.emit('connection', socket);
    // node:http reads new bytes from the handle itself; the bytes read while sniffing wait in the
    // socket's buffer for its 'data' listener.
    socket.resume();
  };
  const plain = (socket: Socket) => {
    // node:http and node:http2 servers set this on the sockets they accept; these they are handed.
    socket.setNoDelay(true);
    socket.on('error', () => socket.destroy());
    sniff(socket, servers.sniffTimeoutMs ?? SNIFF_TIMEOUT_MS, (h2) =>
      (h2 ? toHttp2 : toHttp1)(socket),
    );
  };
  const server = tls
    ? tlsServer(options, (socket: TLSSocket) => {
        socket.setNoDelay(true);
        socket.on('error', () => socket.destroy());
        (socket.alpnProtocol === 'h2' ? toHttp2 : toHttp1)(socket);
      })
    : createServer(plain);
  if (options.socketPath && existsSync(options.socketPath)) {
    // A socket file left by a previous run would make the bind fail: remove it (only a socket).
    if (lstatSync(options.socketPath).isSocket()) unlinkSync(options.socketPath);
  }
  const address = options.socketPath
    ? `unix:${options.socketPath}`
    : `${options.host}:${options.port}`;
  await bind(server, options, address);
  // node:http starts tracking its connections (for closeAllConnections, and the header and
  // request timeouts that cut slow clients) when it starts listening; it is handed them instead.
  servers.http1.emit('listening');
  const port = options.socketPath ? undefined : (server.address() as AddressInfo).port;
  return {
    server,
    port,
    address: port === undefined ? address : `${options.host}:${port}`,
    close: (graceMs = 2000) =>
      new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          for (const session of sessions) session.destroy();
          resolve();
        }, graceMs);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        // Stops the tracking timer (the server itself never listened: its callback's error is moot).
        servers.http1.close(() => {});
        servers.http1.closeAllConnections();
        for (const session of sessions) session.close();
      }),
  };
}
