// Hands single HTTP/2 streams to a grpc-js Server. grpc-js serves gRPC fastest in Node (its
// calls cost a third of @connectrpc/connect-node's gRPC path on the same HTTP/2 server:
// docs/adr/0032), but it owns whole connections, and browsers and Connect clients share HTTP/2
// with gRPC. So the evaluation port runs its own HTTP/2 server and passes grpc-js each session and
// each `application/grpc` stream through the server's handler setup: `_setupHandlers`, the
// method grpc-js itself calls on every HTTP/2 server it creates (server.ts), given an emitter
// that forwards just those events. It is not public API: the version is pinned, the method is
// checked at startup, and test/remote/protocols.test.ts exercises the path.
import { EventEmitter } from 'node:events';
import type { IncomingHttpHeaders, ServerHttp2Session, ServerHttp2Stream } from 'node:http2';
import type { AddressInfo } from 'node:net';
import type { Server } from '@grpc/grpc-js';
import { StartupError } from '../errors/startup-error.js';

export interface GrpcBridge {
  session(session: ServerHttp2Session): void;
  stream(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): void;
}

type SetupHandlers = (http2Server: EventEmitter, extraInterceptors: readonly unknown[]) => void;

/** The grpc-js internals the bridge relies on, or a StartupError naming what changed. */
function setupOf(server: Server): SetupHandlers {
  const setup = (server as unknown as { _setupHandlers?: unknown })._setupHandlers;
  if (typeof setup !== 'function') {
    throw new StartupError(
      '@grpc/grpc-js has no Server._setupHandlers: this version cannot share the evaluation port (use the pinned version)',
    );
  }
  return setup as SetupHandlers;
}

export function grpcBridge(server: Server, address: () => AddressInfo | string | null): GrpcBridge {
  const forward = Object.assign(new EventEmitter(), { address });
  setupOf(server).call(server, forward, []);
  return {
    session: (session) => forward.emit('session', session),
    stream: (stream, headers) => forward.emit('stream', stream, headers),
  };
}

/** Whether a stream is gRPC proper (not gRPC-Web, which the Connect side serves). */
export function isGrpc(headers: IncomingHttpHeaders): boolean {
  const type = headers['content-type'];
  return (
    typeof type === 'string' &&
    type.startsWith('application/grpc') &&
    !type.startsWith('application/grpc-web')
  );
}
