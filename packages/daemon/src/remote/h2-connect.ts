// An HTTP/2 stream answered by a @connectrpc/connect universal handler. The port's own HTTP/2
// server hands gRPC streams to grpc-js and every other stream here, so node's compatibility
// layer (which would also attach itself to the gRPC streams) is not used: the request is built
// from the stream's headers and body, the response written with stream.respond/write/trailers
// (flow control respected: a write that fills the window waits for 'drain').
import { once } from 'node:events';
import { constants } from 'node:http2';
import type { IncomingHttpHeaders, OutgoingHttpHeaders, ServerHttp2Stream } from 'node:http2';
import type { UniversalHandler, UniversalServerResponse } from '@connectrpc/connect/protocol';
import type { Cors } from './cors.js';

export interface H2Route {
  /** The handler of a path for a request of this content type (connect-server.ts). */
  readonly route: (
    path: string | undefined,
    contentType: string | undefined,
  ) => UniversalHandler | undefined;
  readonly cors: Cors;
}

const first = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value;

function webHeaders(headers: IncomingHttpHeaders): Headers {
  const out = new Headers();
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith(':') || value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) out.append(name, v);
    else out.append(name, value);
  }
  return out;
}

function nodeHeaders(headers: Headers | undefined): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  headers?.forEach((value, name) => {
    out[name] = value;
  });
  return out;
}

async function writeBody(stream: ServerHttp2Stream, body: AsyncIterator<Uint8Array>) {
  for (let chunk = await body.next(); chunk.done !== true; chunk = await body.next()) {
    if (stream.destroyed) return;
    if (!stream.write(chunk.value)) {
      await Promise.race([once(stream, 'drain'), once(stream, 'close')]);
    }
  }
}

async function respond(
  stream: ServerHttp2Stream,
  response: UniversalServerResponse,
  extra: OutgoingHttpHeaders | undefined,
): Promise<void> {
  const body = response.body?.[Symbol.asyncIterator]();
  try {
    // Headers after the first chunk, as connect-node does: the handler may still set some.
    const first = body ? await body.next() : undefined;
    if (stream.destroyed) return;
    const trailer = nodeHeaders(response.trailer);
    const withTrailers = Object.keys(trailer).length > 0;
    stream.respond(
      {
        ...nodeHeaders(response.header),
        ...extra,
        [constants.HTTP2_HEADER_STATUS]: response.status,
      },
      { waitForTrailers: withTrailers },
    );
    if (withTrailers) stream.once('wantTrailers', () => stream.sendTrailers(trailer));
    if (first !== undefined && first.done !== true) {
      if (!stream.write(first.value)) {
        await Promise.race([once(stream, 'drain'), once(stream, 'close')]);
      }
      await writeBody(stream, body!);
    }
    if (!stream.destroyed) stream.end();
  } finally {
    await body?.return?.();
  }
}

/** Answers one non-gRPC HTTP/2 stream: CORS preflight, 404, or the Connect handler's answer. */
export async function serveH2Stream(
  stream: ServerHttp2Stream,
  headers: IncomingHttpHeaders,
  { route, cors }: H2Route,
): Promise<void> {
  stream.on('error', () => {}); // a reset by the client; 'close' ends everything below
  const method = first(headers[constants.HTTP2_HEADER_METHOD]) ?? 'GET';
  const origin = first(headers.origin);
  if (cors.enabled && method === 'OPTIONS') {
    const requested = first(headers['access-control-request-headers']);
    stream.respond({ ...cors.preflight(origin, requested), ':status': 204 }, { endStream: true });
    return;
  }
  const path = first(headers[constants.HTTP2_HEADER_PATH]);
  const handler = route(path, first(headers['content-type']));
  const extra = cors.headers(origin);
  if (handler === undefined) {
    stream.respond({ ...extra, ':status': 404 }, { endStream: true });
    return;
  }
  const abort = new AbortController();
  stream.once('close', () => abort.abort());
  const scheme = first(headers[constants.HTTP2_HEADER_SCHEME]) ?? 'http';
  const authority =
    first(headers[constants.HTTP2_HEADER_AUTHORITY]) ?? first(headers.host) ?? 'localhost';
  const response = await handler({
    httpVersion: '2.0',
    method,
    url: `${scheme}://${authority}${path ?? '/'}`,
    header: webHeaders(headers),
    body: stream,
    signal: abort.signal,
  });
  await respond(stream, response, extra);
}
