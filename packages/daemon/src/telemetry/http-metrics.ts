// flagd's HTTP server metrics on a node:http (or http2) server (https://flagd.dev/reference/
// monitoring/#http-metrics, open-feature/flagd:core/pkg/telemetry/metrics.go):
// http.server.request.duration, http.server.request.body.size, http.server.response.body.size and
// http.server.active_requests, with the semantic-convention attributes flagd sets (service.name,
// http.route, http.request.method, http.response.status_code, url.scheme). A listener of the
// server's 'request' (or 'stream') event: the handlers themselves stay as they are.
//
// Body sizes: the response size is what the handler wrote (the response's write and end are
// counted); the request size is the declared content-length on HTTP/1.1 (a chunked request body
// is not counted rather than buffered) and the DATA bytes the stream received on HTTP/2 (gRPC
// declares no length).
//
// This runs on every evaluation request, so it allocates little: the cells of a route, method and
// status are found through maps keyed by the (interned) route and method strings and the status
// number, never by a key built per request; one state object per request, one 'close' listener
// and module-level wrappers that find it by a symbol.
import { performance } from 'node:perf_hooks';
import type { HttpInstruments } from '../metrics.js';
import type { HistogramCell } from './request-metrics.js';

interface RequestLike {
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

type Chunk = string | Uint8Array | undefined | (() => void);
// biome-ignore lint/suspicious/noExplicitAny: node's overloads (chunk, encoding, callback)
type WriteFunction = (...args: any[]) => any;

interface Writer {
  write: WriteFunction;
  end: WriteFunction;
}

interface ResponseLike extends Writer {
  readonly statusCode: number;
  on(event: 'close', listener: () => void): unknown;
}

interface Http2StreamLike extends Writer {
  readonly sentHeaders?: Readonly<Record<string, unknown>>;
  // biome-ignore lint/suspicious/noExplicitAny: Readable.push(chunk, encoding)
  push: (...args: any[]) => boolean;
  on(event: 'close', listener: () => void): unknown;
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

/** The histogram cells of one route, method and status. */
interface DoneCells {
  readonly duration: HistogramCell | undefined;
  readonly requestSize: HistogramCell | undefined;
  readonly responseSize: HistogramCell | undefined;
}

/** The cells of one route and method: in flight, and done by status. */
class MethodCells {
  readonly active: { value: number } | undefined;
  private readonly done = new Map<number, DoneCells>();
  private readonly key: string;
  private readonly attributes: () => Record<string, string>;

  constructor(
    private readonly options: HttpMetricsOptions,
    request: { readonly route: string; readonly method: string },
  ) {
    this.key = `${request.route} ${request.method}`;
    this.attributes = () => ({
      'service.name': options.serviceName ?? 'switchyard',
      'http.route': request.route,
      'http.request.method': request.method,
      'url.scheme': options.scheme,
    });
    this.active = options.instruments.active.cell(this.key, this.attributes);
  }

  status(code: number): DoneCells {
    let cells = this.done.get(code);
    if (cells === undefined) {
      const key = `${this.key} ${code}`;
      const attributes = () => ({ ...this.attributes(), 'http.response.status_code': code });
      const { duration, requestSize, responseSize } = this.options.instruments;
      cells = {
        duration: duration.cell(key, attributes),
        requestSize: requestSize.cell(key, attributes),
        responseSize: responseSize.cell(key, attributes),
      };
      this.done.set(code, cells);
    }
    return cells;
  }
}

/** Cells by route, then method (both strings a server hands out again and again). */
class RouteCells {
  private readonly routes = new Map<string, Map<string, MethodCells>>();

  constructor(private readonly options: HttpMetricsOptions) {}

  of(route: string, method: string): MethodCells {
    let methods = this.routes.get(route);
    if (methods === undefined) {
      methods = new Map();
      this.routes.set(route, methods);
    }
    let cells = methods.get(method);
    if (cells === undefined) {
      cells = new MethodCells(this.options, { route, method });
      methods.set(method, cells);
    }
    return cells;
  }
}

function pathOf(url: string | undefined): string {
  const u = url ?? '/';
  const q = u.indexOf('?');
  return q < 0 ? u : u.slice(0, q);
}

function size(value: string | string[] | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(Array.isArray(value) ? value[0] : value);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

function bytesOf(chunk: Chunk): number {
  if (typeof chunk === 'string') return Buffer.byteLength(chunk);
  return chunk instanceof Uint8Array ? chunk.byteLength : 0;
}

/** One request or stream in flight. */
class Exchange {
  readonly started = performance.now();
  /** Request body bytes: declared (HTTP/1.1) or counted as they arrive (HTTP/2). */
  received: number | undefined = undefined;
  sent = 0;
  /** The stream's own push (HTTP/2), when it is counted. */
  push: Http2StreamLike['push'] | undefined = undefined;

  constructor(
    readonly cells: MethodCells,
    readonly write: WriteFunction,
    readonly end: WriteFunction,
  ) {
    if (cells.active) cells.active.value++;
  }

  finish(status: number): void {
    const { active } = this.cells;
    if (active) active.value--;
    const done = this.cells.status(status);
    done.duration?.record((performance.now() - this.started) / 1000);
    if (this.received !== undefined) done.requestSize?.record(this.received);
    done.responseSize?.record(this.sent);
  }
}

const EXCHANGE = Symbol('switchyard.httpExchange');
type Tracked = Writer & { [EXCHANGE]: Exchange };

function countingWrite(this: Tracked, chunk: Chunk, encoding?: unknown, callback?: unknown) {
  const exchange = this[EXCHANGE];
  exchange.sent += bytesOf(chunk);
  return exchange.write.call(this, chunk, encoding, callback);
}

function countingEnd(this: Tracked, chunk: Chunk, encoding?: unknown, callback?: unknown) {
  const exchange = this[EXCHANGE];
  exchange.sent += bytesOf(chunk);
  return exchange.end.call(this, chunk, encoding, callback);
}

/** Counts the body bytes written to `writer` from now on (its write and end are wrapped). */
function track(writer: Writer, cells: MethodCells): Exchange {
  const exchange = new Exchange(cells, writer.write, writer.end);
  const tracked = writer as Tracked;
  tracked[EXCHANGE] = exchange;
  writer.write = countingWrite;
  writer.end = countingEnd;
  return exchange;
}

type TrackedStream = Http2StreamLike & { [EXCHANGE]: Exchange };

/** Readable.push, counting the DATA bytes an HTTP/2 stream receives. */
function countingPush(this: TrackedStream, chunk: unknown, encoding?: unknown): boolean {
  const exchange = this[EXCHANGE];
  if (chunk instanceof Uint8Array) exchange.received = (exchange.received ?? 0) + chunk.byteLength;
  return exchange.push!.call(this, chunk, encoding);
}

function onStreamClose(this: TrackedStream): void {
  this[EXCHANGE].finish(Number(this.sentHeaders?.[':status'] ?? 0));
}

function onResponseClose(this: ResponseLike & { [EXCHANGE]: Exchange }): void {
  this[EXCHANGE].finish(this.statusCode);
}

/**
 * Records every HTTP/2 stream the server is handed (gRPC and Connect on the evaluation port):
 * duration, status, request bytes received and response bytes written.
 */
export function observeHttp2(server: StreamEmitter, options: HttpMetricsOptions): void {
  const routes = new RouteCells(options);
  server.on('stream', (stream, headers) => {
    const path = headers[':path'];
    const cells = routes.of(
      options.route(pathOf(Array.isArray(path) ? path[0] : path)),
      String(headers[':method'] ?? 'POST'),
    );
    const exchange = track(stream, cells);
    exchange.received = 0;
    exchange.push = stream.push;
    stream.push = countingPush;
    stream.on('close', onStreamClose);
  });
}

/** Records every request the server answers ('close' comes once, after 'finish' or an abort). */
export function observeHttp(server: RequestEmitter, options: HttpMetricsOptions): void {
  const routes = new RouteCells(options);
  server.on('request', (req, res) => {
    const exchange = track(res, routes.of(options.route(pathOf(req.url)), req.method ?? 'GET'));
    exchange.received = size(req.headers['content-length']);
    res.on('close', onResponseClose);
  });
}
