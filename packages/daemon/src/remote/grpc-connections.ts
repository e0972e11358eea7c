// The connection of a grpc-js call. grpc-js hands its handlers calls, never connections, but
// the evaluation port owns the HTTP/2 server behind grpc-js (grpc-bridge.ts) and sees each
// session begin and end. With the connection, --auth-config recognises a token that already
// authenticated on it (auth/access-policy.ts) on gRPC as it does on Connect and OFREP, instead of
// hashing it on every call.
//
// A call's session is found in one of two ways:
// - Through grpc-js's call chain (the handler's call → its intercepting calls → the base call's
//   HTTP/2 stream → its session, as grpc-frames.ts walks it to share frames): a few property
//   reads. Not public API, like the bridge's entry point (docs/adr/0032): the version is pinned,
//   only a session this port registered is accepted, and a test checks the chain on real calls.
// - Otherwise by the peer address grpc-js reports (`call.getPeer()`, public API:
//   `remoteAddress:remotePort`), under which each session is registered while it is open. It
//   reads the address through node:http2's socket proxy and looks a new string up: measured in
//   the daemon, ~3–4 µs of a ~165 µs call, about what hashing the token costs.
//
// A TCP peer address names one open connection. A unix socket has none (grpc-js says `unknown`)
// and its calls are decided from scratch unless the chain finds their session. A stale match
// could do no harm either: recognition only ever accepts the exact header that authenticated
// under the configuration in force.
import type { ServerHttp2Session } from 'node:http2';
import { http2StreamUnder } from '../grpc-frames.js';

/** `remoteAddress:remotePort` as grpc-js's getPeer() writes it; undefined without a port. */
function peerOf(session: ServerHttp2Session): string | undefined {
  const socket = session.socket;
  const { remoteAddress, remotePort } = socket ?? {};
  return remoteAddress && remotePort ? `${remoteAddress}:${remotePort}` : undefined;
}

/**
 * The HTTP/2 session behind a grpc-js server call, read through grpc-js's own objects (see the
 * top of this file); undefined where they are not shaped as expected.
 */
export const sessionBehind = (call: object): object | undefined => http2StreamUnder(call)?.session;

export class GrpcConnections {
  /** Open sessions by peer address: as many entries as open TCP connections. */
  private readonly sessions = new Map<string, ServerHttp2Session>();
  /** Every session registered and not yet closed, whatever its address. */
  private readonly open = new WeakSet<object>();

  /** Registers a new session until it closes. */
  track(session: ServerHttp2Session): void {
    this.open.add(session);
    const peer = peerOf(session);
    session.once('close', () => {
      this.open.delete(session);
      if (peer !== undefined && this.sessions.get(peer) === session) this.sessions.delete(peer);
    });
    if (peer !== undefined) this.sessions.set(peer, session);
  }

  /** The connection (its HTTP/2 session) a call came on, if known. */
  of(call: { getPeer(): string }): object | undefined {
    const session = sessionBehind(call);
    if (session !== undefined && this.open.has(session)) return session;
    return this.sessions.size === 0 ? undefined : this.sessions.get(call.getPeer());
  }

  /** Open sessions registered (tests). */
  get size(): number {
    return this.sessions.size;
  }
}
