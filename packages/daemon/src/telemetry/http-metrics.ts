// flagd's HTTP server metrics on a node:http (or http2) server (https://flagd.dev/reference/
// monitoring/#http-metrics, open-feature/flagd:core/pkg/telemetry/metrics.go):
// http.server.request.duration, http.server.request.body.size, http.server.response.body.size and
// http.server.active_requests, with the semantic-convention attributes flagd sets (service.name,
// http.route, http.request.method, http.response.status_code, url.scheme). The request size is
// the declared content-length (a chunked request body is not counted rather than buffered); the
// response size is what the handler wrote. A listener of the server's 'request' event: the
// handlers themselves stay as they are.
import { performance } from 'node:perf_hooks';
import type { HttpInstruments } from '../metrics.js';

interface RequestLike {
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

type Chunk = string | Uint8Array | undefined | (() => void);

interface ResponseLike {
  readonly statusCode: number;
  once(event: 'finish' | 'close', listener: () => void): unknown;
  // biome-ignore lint/suspicious/noExplicitAny: node's overloads (chunk, encoding, callback)
  write: (...args: any[]) => any;
  // biome-ignore lint/suspicious/noExplicitAny: as above
  end: (...args: any[]) => any;
}

function bytesOf(chunk: Chunk): number {
  if (typeof chunk === 'string') return Buffer.byteLength(chunk);
  return chunk instanceof Uint8Array ? chunk.byteLength : 0;
}

/** Counts the body bytes the handler writes (wrapping this response's write and end). */
function countWrites(res: ResponseLike): () => number {
  let bytes = 0;
  const { write, end } = res;
  res.write = function (this: unknown, chunk: Chunk, ...rest: unknown[]) {
    bytes += bytesOf(chunk);
    return write.call(this, chunk, ...rest);
  };
  res.end = function (this: unknown, chunk: Chunk, ...rest: unknown[]) {
    bytes += bytesOf(chunk);
    return end.call(this, chunk, ...rest);
  };
  return () => bytes;
}

interface Http2StreamLike {
  readonly sentHeaders?: Readonly<Record<string, unknown>>;
  once(event: 'close', listener: () => void): unknown;
}

interface StreamEmitter {
  on(
    event: 'stream',
    listener: (
      stream: Http2StreamLike,
      headers: Readonly<Record<string, string | string[] | undefined>>,
    ) => void,
  ): unknown;
}

interface RequestEmitter {
  on(event: 'request', listener: (req: RequestLike, res: ResponseLike) => void): unknown;
}

export interface HttpMetricsOptions {
  readonly instruments: HttpInstruments;
  readonly scheme: 'http' | 'https';
  /** The route of a path (a template for paths carrying a flag key, `other` for unknown ones). */
  readonly route: (path: string) => string;
  readonly serviceName?: string;
}

function size(value: string | string[] | undefined): number | undefined {
  const n = Number(Array.isArray(value) ? value[0] : value);
  return value !== undefined && Number.isFinite(n) && n >= 0 ? n : undefined;
}

function pathOf(url: string | undefined): string {
  const u = url ?? '/';
  const q = u.indexOf('?');
  return q < 0 ? u : u.slice(0, q);
}

/** The attribute sets of one request: in flight (by route and method) and done (with status). */
function requestCells(options: HttpMetricsOptions, request: { route: string; method: string }) {
  const key = `${request.route} ${request.method}`;
  const base = () => ({
    'service.name': options.serviceName ?? 'switchyard',
    'http.route': request.route,
    'http.request.method': request.method,
    'url.scheme': options.scheme,
  });
  return {
    active: options.instruments.active.cell(key, base),
    done: (status: number) => ({
      key: `${key} ${status}`,
      attributes: () => ({ ...base(), 'http.response.status_code': status }),
    }),
  };
}

/**
 * Records every HTTP/2 stream the server is handed (gRPC and Connect on the evaluation port):
 * duration, status and declared request size. Response bytes are not counted on HTTP/2 streams
 * (they are written by grpc-js and connect-node directly).
 */
export function observeHttp2(server: StreamEmitter, options: HttpMetricsOptions): void {
  const { instruments } = options;
  server.on('stream', (stream, headers) => {
    const started = performance.now();
    const path = headers[':path'];
    const cells = requestCells(options, {
      route: options.route(pathOf(Array.isArray(path) ? path[0] : path)),
      method: String(headers[':method'] ?? 'POST'),
    });
    if (cells.active) cells.active.value++;
    stream.once('close', () => {
      if (cells.active) cells.active.value--;
      const { key, attributes } = cells.done(Number(stream.sentHeaders?.[':status'] ?? 0));
      instruments.duration.cell(key, attributes)?.record((performance.now() - started) / 1000);
      const requestSize = size(headers['content-length']);
      if (requestSize !== undefined)
        instruments.requestSize.cell(key, attributes)?.record(requestSize);
    });
  });
}

/** Records every request the server answers. */
export function observeHttp(server: RequestEmitter, options: HttpMetricsOptions): void {
  const { instruments } = options;
  server.on('request', (req, res) => {
    const started = performance.now();
    const cells = requestCells(options, {
      route: options.route(pathOf(req.url)),
      method: req.method ?? 'GET',
    });
    if (cells.active) cells.active.value++;
    const written = countWrites(res);
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      if (cells.active) cells.active.value--;
      const { key, attributes } = cells.done(res.statusCode);
      instruments.duration.cell(key, attributes)?.record((performance.now() - started) / 1000);
      const requestSize = size(req.headers['content-length']);
      if (requestSize !== undefined)
        instruments.requestSize.cell(key, attributes)?.record(requestSize);
      instruments.responseSize.cell(key, attributes)?.record(written());
    };
    res.once('finish', finish);
    res.once('close', finish);
  });
}
