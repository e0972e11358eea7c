// The Connect side of the evaluation port: one @connectrpc/connect router (Connect JSON and
// binary, gRPC-Web, gRPC) answering HTTP/1.1 requests (through @connectrpc/connect-node's
// request/response conversion) and HTTP/2 streams the gRPC fast path does not take (h2-connect.ts),
// with flagd's JSON options (protojson EmitUnpopulated, DiscardUnknown: open-feature/flagd:
// flagd/pkg/service/flag-evaluation/connect_service.go) and CORS for --cors-origin.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { IncomingHttpHeaders, ServerHttp2Stream } from 'node:http2';
import { Code, ConnectError, createConnectRouter } from '@connectrpc/connect';
import type { ConnectRouter } from '@connectrpc/connect';
import {
  compressionBrotli,
  compressionGzip,
  universalRequestFromNodeRequest,
  universalResponseToNodeResponse,
} from '@connectrpc/connect-node';
import type { UniversalHandler } from '@connectrpc/connect/protocol';
import type { Logger } from '../logger.js';
import type { UnaryFastPath } from './connect-unary.js';
import type { Cors } from './cors.js';
import { serveH2Stream } from './h2-connect.js';

/**
 * The services on a router: `binary` for the binary codecs (Connect proto, gRPC-Web, gRPC),
 * `json` for JSON. They may differ in how requests are decoded (connect-handlers.ts reads the
 * binary contexts as bytes and decodes them within the context limits).
 */
export interface ConnectRoutes {
  readonly json: (router: ConnectRouter) => void;
  readonly binary: (router: ConnectRouter) => void;
}

export interface ConnectServerOptions {
  readonly routes: ConnectRoutes;
  /** `--max-request-body`: the largest request message. */
  readonly readMaxBytes: number;
  readonly cors: Cors;
  readonly logger: Logger;
  /** Answers plain unary JSON calls on HTTP/1.1 before the router (connect-unary.ts). */
  readonly fastPath?: UnaryFastPath;
}

async function* oneChunk(bytes: Buffer): AsyncIterable<Uint8Array> {
  yield bytes;
}

export interface ConnectEndpoints {
  /** A node:http request listener (HTTP/1.1). */
  readonly http1: (req: IncomingMessage, res: ServerResponse) => void;
  /** An HTTP/2 stream. */
  readonly http2: (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => void;
}

/** The handlers of `routes` by request path. */
function handlersOf(options: ConnectServerOptions, routes: (router: ConnectRouter) => void) {
  const router = createConnectRouter({
    readMaxBytes: options.readMaxBytes,
    acceptCompression: [compressionGzip, compressionBrotli],
    // flagd's protojson: zero values are written, unknown fields are ignored.
    jsonOptions: { alwaysEmitImplicit: true, ignoreUnknownFields: true },
  });
  routes(router);
  const paths = new Map<string, UniversalHandler>();
  for (const handler of router.handlers) paths.set(handler.requestPath, handler);
  return paths;
}

/** Whether a content type is one of the JSON codecs (`application/json`, `…+json`). */
const isJson = (contentType: string | undefined) =>
  /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i.test(contentType ?? '');

export function connectEndpoints(options: ConnectServerOptions): ConnectEndpoints {
  const json = handlersOf(options, options.routes.json);
  const binary = handlersOf(options, options.routes.binary);
  const route = (url: string | undefined, contentType: string | undefined) =>
    (isJson(contentType) ? json : binary).get((url ?? '').split('?', 1)[0]!);
  const failed = (handler: UniversalHandler, reason: unknown) => {
    if (ConnectError.from(reason).code === Code.Aborted) return;
    options.logger.warn(
      { err: reason, method: `${handler.service.typeName}/${handler.method.name}` },
      'evaluation call failed while answering',
    );
  };
  const { cors } = options;
  return {
    http1(req, res) {
      if (cors.enabled && req.method === 'OPTIONS') {
        const requested = req.headers['access-control-request-headers'];
        res.writeHead(204, cors.preflight(req.headers.origin, requested)).end();
        return;
      }
      const allowed = cors.headers(req.headers.origin);
      if (allowed) for (const [name, value] of Object.entries(allowed)) res.setHeader(name, value!);
      const handler = route(req.url, req.headers['content-type']);
      if (handler === undefined) {
        res.writeHead(404).end();
        return;
      }
      const viaRouter = (body?: Buffer) => {
        const request = universalRequestFromNodeRequest(req, res, undefined, undefined);
        handler(body === undefined ? request : { ...request, body: oneChunk(body) })
          .then((response) => universalResponseToNodeResponse(response, res))
          .catch((reason: unknown) => failed(handler, reason));
      };
      if (options.fastPath?.handle(req, res, viaRouter)) return;
      viaRouter();
    },
    http2(stream, headers) {
      serveH2Stream(stream, headers, { route, cors }).catch((reason: unknown) =>
        options.logger.warn({ err: reason }, 'evaluation call failed while answering'),
      );
    },
  };
}
