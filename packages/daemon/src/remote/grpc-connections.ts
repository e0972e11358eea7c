// The connection of a grpc-js call. grpc-js hands its handlers calls, never connections, but
// the evaluation port owns the HTTP/2 server behind grpc-js (grpc-bridge.ts) and sees each
// session begin and end: a session is registered under the peer address grpc-js reports for its
// calls (`call.getPeer()`: the socket's `remoteAddress:remotePort`, public API) while it is open.
// With it --auth-config recognises a token that already authenticated on the connection
// (auth/access-policy.ts) on gRPC as it does on Connect and OFREP, instead of hashing it on every
// call.
//
// A TCP peer address names one open connection. A unix socket has none (grpc-js says `unknown`)
// and its calls are decided from scratch. A stale match could do no harm either: recognition
// only ever accepts the exact header that authenticated under the configuration in force.
import type { ServerHttp2Session } from 'node:http2';

/** `remoteAddress:remotePort` as grpc-js's getPeer() writes it; undefined without a port. */
function peerOf(session: ServerHttp2Session): string | undefined {
  const socket = session.socket;
  const { remoteAddress, remotePort } = socket ?? {};
  return remoteAddress && remotePort ? `${remoteAddress}:${remotePort}` : undefined;
}

export class GrpcConnections {
  /** Open sessions by peer address: as many entries as open TCP connections. */
  private readonly sessions = new Map<string, ServerHttp2Session>();

  /** Registers a new session until it closes. */
  track(session: ServerHttp2Session): void {
    const peer = peerOf(session);
    if (peer === undefined) return;
    this.sessions.set(peer, session);
    session.once('close', () => {
      if (this.sessions.get(peer) === session) this.sessions.delete(peer);
    });
  }

  /** The connection (its HTTP/2 session) a call came on, if known. */
  of(call: { getPeer(): string }): object | undefined {
    return this.sessions.size === 0 ? undefined : this.sessions.get(call.getPeer());
  }

  /** Open sessions registered (tests). */
  get size(): number {
    return this.sessions.size;
  }
}
