// `envoy://localhost:<port>/<authority>` targets (the testbed's docker-compose.yaml): its envoy
// listener 9211 routes by `:authority` — sync.service, flagd-sync.service and sync.flagd.local
// to the sync port, everything else to the evaluation port. A plaintext HTTP/2 proxy doing the
// same, so a provider that sends the authority from the target URI reaches the sync service
// and one that sends `localhost:<port>` does not.
//
// Failures look like envoy's: an upstream that cannot be reached, or resets, gives a gRPC
// UNAVAILABLE (trailers-only before the response started, trailers after), so a killed daemon
// breaks the client's stream exactly as a direct connection would.
import {
  type ClientHttp2Session,
  type ClientHttp2Stream,
  connect,
  constants,
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
  type ServerHttp2Stream,
} from 'node:http2';
import { type Listener, listenHttp2 } from './http2-server.js';

export const SYNC_AUTHORITIES: readonly string[] = [
  'sync.service',
  'flagd-sync.service',
  'sync.flagd.local',
];

export interface ProxyRoutes {
  readonly sync: number;
  readonly evaluation: number;
}

export interface AuthorityProxy extends Listener {
  /** Authorities of the requests seen so far, in order (tests assert the routing). */
  readonly seen: readonly string[];
}

const UNAVAILABLE = (message: string): OutgoingHttpHeaders => ({
  'grpc-status': String(14),
  'grpc-message': encodeURIComponent(message),
});

function responseHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [key, value] of Object.entries(headers)) {
    if (key.startsWith(':') && key !== ':status') continue;
    out[key] = value;
  }
  return out;
}

export function routeFor(authority: string, routes: ProxyRoutes): number {
  const host = authority.replace(/:\d+$/, '').toLowerCase();
  return SYNC_AUTHORITIES.includes(host) ? routes.sync : routes.evaluation;
}

export async function startAuthorityProxy(routes: ProxyRoutes): Promise<AuthorityProxy> {
  const listener = await listenHttp2();
  const upstreams = new Map<number, ClientHttp2Session>();
  const seen: string[] = [];

  const upstream = (port: number): ClientHttp2Session => {
    const existing = upstreams.get(port);
    if (existing && !existing.closed && !existing.destroyed) return existing;
    const session = connect(`http://127.0.0.1:${port}`);
    session.on('error', () => {});
    const forget = (): void => {
      if (upstreams.get(port) === session) upstreams.delete(port);
    };
    session.once('close', forget);
    session.once('goaway', forget);
    upstreams.set(port, session);
    return session;
  };

  const forward = (down: ServerHttp2Stream, headers: IncomingHttpHeaders): void => {
    const authority = String(headers[':authority'] ?? '');
    seen.push(authority);
    let responded = false;
    let finished = false;
    let trailers: OutgoingHttpHeaders | undefined;
    const fail = (message: string): void => {
      if (finished || down.destroyed || down.closed) return;
      finished = true;
      if (!responded) {
        responded = true;
        down.respond(
          { ':status': 200, 'content-type': 'application/grpc', ...UNAVAILABLE(message) },
          { endStream: true },
        );
      } else {
        trailers = UNAVAILABLE(message);
        down.end();
      }
    };
    down.on('error', () => {});
    down.on('wantTrailers', () => {
      down.sendTrailers(trailers ?? UNAVAILABLE('upstream ended without trailers'));
    });

    let up: ClientHttp2Stream;
    try {
      const forwarded: OutgoingHttpHeaders = { ...headers };
      up = upstream(routeFor(authority, routes)).request(forwarded);
    } catch (error) {
      fail(`upstream connect error: ${String(error)}`);
      return;
    }
    down.pipe(up);
    up.on('response', (h, flags) => {
      if (finished) return;
      responded = true;
      if ((flags & constants.NGHTTP2_FLAG_END_STREAM) !== 0) {
        finished = true;
        down.respond(responseHeaders(h), { endStream: true });
        return;
      }
      down.respond(responseHeaders(h), { waitForTrailers: true });
      up.pipe(down);
    });
    up.on('trailers', (t) => {
      trailers = responseHeaders(t);
      finished = true;
    });
    up.on('error', (error) => fail(`upstream reset: ${error.message}`));
    up.on('close', () => {
      if (!finished) fail(`upstream reset (code ${up.rstCode ?? 'none'})`);
    });
    down.on('close', () => {
      if (!up.closed) up.close(constants.NGHTTP2_CANCEL);
    });
  };

  listener.server.on('stream', forward);
  return {
    ...listener,
    seen,
    close: async () => {
      for (const s of upstreams.values()) s.destroy();
      upstreams.clear();
      await listener.close();
    },
  };
}
