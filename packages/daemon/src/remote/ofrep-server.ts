// OFREP on --ofrep-port (https://flagd.dev/reference/specifications/ofrep/, open-feature/flagd:
// flagd/pkg/service/flag-evaluation/ofrep/handler.go), on node:http directly:
//   POST /ofrep/v1/evaluate/flags/{key}   single evaluation (200, 400, 404)
//   POST /ofrep/v1/evaluate/flags[/]      bulk evaluation (200, 304 with If-None-Match, 400, 500)
// 400 INVALID_CONTEXT for a malformed body or a context nested deeper than --max-context-depth,
// 413 over --max-request-body or --max-context-keys, CORS for --cors-origin.
import type { IncomingMessage, OutgoingHttpHeaders, Server, ServerResponse } from 'node:http';
import { SELECTOR_METADATA_KEY } from '@switchyard/protocol';
import { refused } from '../auth/access-policy.js';
import type { AccessError, AccessPolicy } from '../auth/access-policy.js';
import { httpCredentials } from '../auth/credentials.js';
import { ERROR_CODES, evaluateAny } from '../engine.js';
import type { EvaluateOptions, EvaluationContext, JsonObject } from '../engine.js';
import { InvalidSelectorError } from '../errors/invalid-selector-error.js';
import { createServer, listenHttp } from '../http-listen.js';
import type { Logger } from '../logger.js';
import { parseSelector } from '../store/selector.js';
import type { Selector } from '../store/selector.js';
import type { ServerTls } from '../tls/server-tls.js';
import type { FlagView } from '../store/view.js';
import { DEFAULT_CONTEXT_LIMITS, contextFromJson, isContextError } from './context-limits.js';
import type { ContextLimits } from './context-limits.js';
import type { ContextMerger } from './context.js';
import { cors } from './cors.js';
import type { Cors } from './cors.js';
import {
  bulkBody,
  bulkElement,
  errorJson,
  etagOf,
  matchesIfNoneMatch,
  singleBody,
} from './ofrep-body.js';
import { ofrepDetails, ofrepStatus } from './status.js';
import type { EvaluationTelemetry } from '../telemetry/evaluation-telemetry.js';
import type { TracedResult } from '../telemetry/tracing.js';

export interface OfrepOptions {
  /** The selector's view of the current generation. */
  readonly view: (selector: Selector) => FlagView;
  readonly context: ContextMerger;
  readonly corsOrigins: readonly string[];
  readonly maxRequestBody: number;
  /** `--max-context-depth`, `--max-context-keys`. */
  readonly contextLimits?: ContextLimits;
  readonly logger: Logger;
  readonly evaluate?: EvaluateOptions;
  /** Counts every evaluation; with tracing, flagd's `flagd.ofrep` span per request. */
  readonly telemetry?: EvaluationTelemetry | undefined;
  /** --auth-config: who may read which flags (undefined: everyone reads everything). */
  readonly access?: AccessPolicy | undefined;
}

type Selected = { selector: Selector } | { invalid: string };

const BULK = '/ofrep/v1/evaluate/flags';
const SINGLE = '/ofrep/v1/evaluate/flags/';
/** The metrics route of every single-flag path (one string, not one per request). */
const SINGLE_ROUTE = `${SINGLE}{key}`;
const INVALID_CONTEXT_DETAILS = 'provided context is invalid';
const TOO_LARGE = Buffer.from('{"errorDetails":"request body too large"}');

type Body =
  | { ok: true; context: JsonObject | undefined }
  | { ok: false; details: string; status: number };

/**
 * flagd's request decoding (empty = no context; a non-object `context` is ignored), then the
 * context limits (400 too deep, 413 too many keys).
 */
export function parseRequestBody(
  text: string,
  options: { readonly limits?: ContextLimits; readonly logger?: Logger } = {},
): Body {
  const body = parseJsonBody(text, options.logger);
  if (!body.ok) return body;
  const context = contextFromJson(body.context, options.limits ?? DEFAULT_CONTEXT_LIMITS);
  if (!isContextError(context)) return { ok: true, context };
  return { ok: false, details: context.message, status: ERROR_CODES[context.code].httpStatus };
}

function parseJsonBody(text: string, logger?: Logger): Body {
  if (text.trim() === '') return { ok: true, context: undefined };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      details: `${INVALID_CONTEXT_DETAILS}: ${(error as Error).message}`,
      status: 400,
    };
  }
  if (parsed === null) return { ok: true, context: undefined };
  if (typeof parsed !== 'object' || Array.isArray(parsed))
    return {
      ok: false,
      details: `${INVALID_CONTEXT_DETAILS}: the body is not a JSON object`,
      status: 400,
    };
  const context = (parsed as { context?: unknown }).context;
  if (context === undefined || context === null) return { ok: true, context: undefined };
  if (typeof context !== 'object' || Array.isArray(context)) {
    logger?.warn('OFREP request context is not an object; it is ignored (as flagd does)');
    return { ok: true, context: undefined };
  }
  return { ok: true, context: context as JsonObject };
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** One request being answered, with the CORS headers every answer to it carries. */
interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly cors: OutgoingHttpHeaders | undefined;
}

interface Answer {
  readonly status: number;
  readonly body: Buffer;
  /** Sent after the content and CORS headers. */
  readonly headers?: OutgoingHttpHeaders;
}

/** Answers with a JSON body. */
function send({ res, cors }: Exchange, { status, body, headers }: Answer): void {
  const all: OutgoingHttpHeaders = {
    'content-type': 'application/json',
    'content-length': body.length,
  };
  if (cors) Object.assign(all, cors);
  if (headers) Object.assign(all, headers);
  res.writeHead(status, all).end(body);
}

/** The route of a path for metrics: the flag key is not part of it (bounded attributes). */
export function ofrepRoute(path: string): string {
  if (path === BULK || path === SINGLE) return BULK;
  if (!path.startsWith(SINGLE) || path.indexOf('/', SINGLE.length) >= 0) return 'other';
  return SINGLE_ROUTE;
}

/** The flag key of a single-evaluation path, null for the bulk path, undefined for neither. */
function routeOf(path: string): string | null | undefined {
  if (path === BULK || path === `${BULK}/`) return null;
  if (!path.startsWith(SINGLE) || path.indexOf('/', SINGLE.length) >= 0) return undefined;
  try {
    return decodeURIComponent(path.slice(SINGLE.length));
  } catch {
    return path.slice(SINGLE.length);
  }
}

export class OfrepHandler {
  private readonly cors: Cors | undefined;
  private readonly evaluateOptions: EvaluateOptions;

  constructor(private readonly options: OfrepOptions) {
    this.cors = options.corsOrigins.length > 0 ? cors(options.corsOrigins) : undefined;
    this.evaluateOptions = options.evaluate ?? {};
  }

  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const exchange: Exchange = { req, res, cors: this.cors?.headers(req.headers.origin) };
    if (req.method === 'OPTIONS' && this.cors) {
      const requested = req.headers['access-control-request-headers'];
      res.writeHead(204, this.cors.preflight(req.headers.origin, requested)).end();
      return;
    }
    const key = routeOf(path);
    if (key === undefined) {
      send(exchange, { status: 404, body: Buffer.from('{"errorDetails":"not found"}') });
      return;
    }
    if (req.method !== 'POST') {
      send(exchange, {
        status: 405,
        body: Buffer.from('{"errorDetails":"method not allowed; use POST"}'),
        headers: { allow: this.cors ? 'POST, OPTIONS' : 'POST' },
      });
      return;
    }
    const selected = this.authorize(exchange);
    if (selected === undefined) return;
    this.readBody(exchange, (text) => {
      const answer = () =>
        key === null
          ? this.bulk(exchange, { text, selected })
          : this.single(exchange, { key, text, selected });
      const spans = this.options.telemetry?.tracing?.evaluation({
        scope: 'flagd.ofrep.v1',
        name: 'flagd.ofrep',
        evaluator: key === null ? 'resolveAll' : 'resolveAnyValue',
        headers: (name) => headerOf(req, name),
      });
      if (spans === undefined) {
        answer();
        return;
      }
      spans.end(key ?? undefined, spans.run(answer));
    });
  };

  /**
   * The request's selector as --auth-config allows it; undefined once it was refused (401 with
   * `www-authenticate: Bearer`, or 403) before its body is read.
   */
  private authorize(exchange: Exchange): Selected | undefined {
    const selected = this.selectorOf(exchange.req);
    const access = this.options.access;
    if (access === undefined) return selected;
    const credentials = httpCredentials(exchange.req);
    const decision =
      'selector' in selected
        ? access.authorize(credentials, selected.selector, 'ofrep')
        : access.authenticate(credentials, 'ofrep');
    if (refused(decision)) {
      this.refuse(exchange, decision);
      return undefined;
    }
    return 'selector' in decision ? decision : selected;
  }

  private refuse(exchange: Exchange, error: AccessError): void {
    const status = ERROR_CODES[error.code].httpStatus;
    send(exchange, {
      status,
      body: Buffer.from(JSON.stringify({ errorDetails: error.message })),
      headers: status === 401 ? { 'www-authenticate': 'Bearer' } : {},
    });
    exchange.req.resume();
  }

  private readBody(exchange: Exchange, done: (text: string) => void): void {
    const { req } = exchange;
    const limit = this.options.maxRequestBody;
    const declared = Number(req.headers['content-length']);
    const tooLarge = () => {
      send(exchange, { status: 413, body: TOO_LARGE, headers: { connection: 'close' } });
      req.resume();
    };
    if (declared > limit) {
      tooLarge();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) {
        over = true;
        tooLarge();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (over) return;
      done(
        chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8'),
      );
    });
  }

  private contextOf(req: IncomingMessage, context: JsonObject | undefined) {
    return this.options.context.merge(context, (name) => headerOf(req, name));
  }

  /** The caller's selector (the flagd-selector header), or why it is invalid (a 400). */
  private selectorOf(req: IncomingMessage): Selected {
    const header = req.headers[SELECTOR_METADATA_KEY];
    try {
      return { selector: parseSelector(Array.isArray(header) ? header[0] : header) };
    } catch (error) {
      if (!(error instanceof InvalidSelectorError)) throw error;
      return { invalid: `invalid selector: ${error.message}` };
    }
  }

  /** The view and context of a request, or undefined once it was answered with a 400. */
  private prepare(
    exchange: Exchange,
    request: {
      readonly key: string | undefined;
      readonly text: string;
      readonly selected: Selected;
    },
  ): { view: FlagView; context: EvaluationContext | undefined } | undefined {
    const body = parseRequestBody(request.text, {
      logger: this.options.logger,
      ...(this.options.contextLimits ? { limits: this.options.contextLimits } : {}),
    });
    if (!body.ok) {
      send(exchange, {
        status: body.status,
        body: Buffer.from(errorJson(request.key, 'INVALID_CONTEXT', body.details)),
      });
      return undefined;
    }
    const { selected } = request;
    if ('invalid' in selected) {
      send(exchange, {
        status: 400,
        body: Buffer.from(errorJson(request.key, 'GENERAL', selected.invalid)),
      });
      return undefined;
    }
    return {
      view: this.options.view(selected.selector),
      context: this.contextOf(exchange.req, body.context),
    };
  }

  /** Answers one evaluation; returns its result (undefined when the request was refused). */
  private single(
    exchange: Exchange,
    request: { readonly key: string; readonly text: string; readonly selected: Selected },
  ): TracedResult | undefined {
    const prepared = this.prepare(exchange, request);
    if (prepared === undefined) return undefined;
    const { key } = request;
    const { view, context } = prepared;
    const result = evaluateAny(view.snapshot, { flagKey: key, context }, this.evaluateOptions);
    this.options.telemetry?.evaluations?.record(key, result);
    if (result.errorCode !== undefined) {
      const details = ofrepDetails(result.errorCode, key);
      send(exchange, {
        status: ofrepStatus(result.errorCode),
        body: Buffer.from(errorJson(key, result.errorCode, details)),
      });
      return result;
    }
    send(exchange, { status: 200, body: singleBody(view, key, result) });
    return result;
  }

  private bulk(exchange: Exchange, request: { text: string; selected: Selected }): undefined {
    const prepared = this.prepare(exchange, { key: undefined, ...request });
    if (prepared === undefined) return;
    const evaluations = this.options.telemetry?.evaluations;
    let payload: Buffer;
    try {
      const { view, context } = prepared;
      const elements: string[] = [];
      for (const key of view.snapshot.keys()) {
        const result = evaluateAny(view.snapshot, { flagKey: key, context }, this.evaluateOptions);
        evaluations?.record(key, result);
        elements.push(bulkElement(view, key, result));
      }
      payload = bulkBody(view, elements);
    } catch (error) {
      this.options.logger.error({ err: error }, 'OFREP bulk evaluation failed');
      send(exchange, {
        status: 500,
        body: Buffer.from(errorJson(undefined, 'GENERAL', 'bulk evaluation failed')),
      });
      return;
    }
    const etag = etagOf(payload);
    if (matchesIfNoneMatch(exchange.req.headers['if-none-match'], etag)) {
      exchange.res.writeHead(304, { ...exchange.cors, etag }).end();
      return;
    }
    send(exchange, { status: 200, body: payload, headers: { etag } });
  }
}

export async function startOfrepServer(
  handler: OfrepHandler,
  options: { host: string; port: number; maxRequestHeader: number; tls?: ServerTls | undefined },
): Promise<{ server: Server; port: number }> {
  const server = createServer(
    { maxHeaderSize: options.maxRequestHeader, tls: options.tls, requireClientCertificate: true },
    handler.handle,
  );
  const port = await listenHttp(server, { host: options.host, port: options.port, label: 'OFREP' });
  return { server, port };
}
