// OFREP on --ofrep-port (open-feature/flagd:flagd/pkg/service/flag-evaluation/ofrep), on node:http directly:
//   POST /ofrep/v1/evaluate/flags/{key}   single evaluation (200, 400, 404)
//   POST /ofrep/v1/evaluate/flags[/]      bulk evaluation (200, 304 with If-None-Match, 400, 500)
// 400 INVALID_CONTEXT for a malformed body, 413 over --max-request-body, CORS for --cors-origin.
import { createServer } from 'node:http';
import type { IncomingMessage, OutgoingHttpHeaders, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { evaluateAny } from '@switchyard/core';
import type { EvaluateOptions, JsonObject } from '@switchyard/core';
import { SELECTOR_METADATA_KEY } from '@switchyard/protocol';
import { InvalidSelectorError, StartupError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Generation } from '../store/generation-store.js';
import type { Selector } from '../store/selector.js';
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
import type { SelectorCache } from './selectors.js';
import { ofrepDetails, ofrepStatus } from './status.js';
import type { ViewCache } from './views.js';

export interface OfrepOptions {
  readonly generation: () => Generation | undefined;
  readonly views: ViewCache;
  readonly selectors: SelectorCache;
  readonly context: ContextMerger;
  readonly corsOrigins: readonly string[];
  readonly maxRequestBody: number;
  readonly logger: Logger;
  readonly evaluate?: EvaluateOptions;
}

const BULK = '/ofrep/v1/evaluate/flags';
const SINGLE = '/ofrep/v1/evaluate/flags/';
const INVALID_CONTEXT_DETAILS = 'provided context is invalid';
const TOO_LARGE = Buffer.from('{"errorDetails":"request body too large"}');

type Body = { ok: true; context: JsonObject | undefined } | { ok: false; details: string };

/** flagd's request decoding: empty = no context; a non-object `context` is ignored. */
export function parseRequestBody(text: string, logger?: Logger): Body {
  if (text.trim() === '') return { ok: true, context: undefined };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { ok: false, details: `${INVALID_CONTEXT_DETAILS}: ${(error as Error).message}` };
  }
  if (parsed === null) return { ok: true, context: undefined };
  if (typeof parsed !== 'object' || Array.isArray(parsed))
    return { ok: false, details: `${INVALID_CONTEXT_DETAILS}: the body is not a JSON object` };
  const context = (parsed as { context?: unknown }).context;
  if (context === undefined || context === null) return { ok: true, context: undefined };
  if (typeof context !== 'object' || Array.isArray(context)) {
    logger?.warn('OFREP request context is not an object; it is ignored (as flagd does)');
    return { ok: true, context: undefined };
  }
  return { ok: true, context: context as JsonObject };
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
    const extra = this.cors?.headers(req.headers.origin);
    if (req.method === 'OPTIONS' && this.cors) {
      res.writeHead(204, this.cors.preflight(req)).end();
      return;
    }
    let key: string | undefined;
    if (path === BULK || path === `${BULK}/`) key = undefined;
    else if (path.startsWith(SINGLE) && path.indexOf('/', SINGLE.length) < 0) {
      try {
        key = decodeURIComponent(path.slice(SINGLE.length));
      } catch {
        key = path.slice(SINGLE.length);
      }
    } else {
      send(res, 404, Buffer.from('{"errorDetails":"not found"}'), extra);
      return;
    }
    if (req.method !== 'POST') {
      send(res, 405, Buffer.from('{"errorDetails":"method not allowed; use POST"}'), {
        ...extra,
        allow: this.cors ? 'POST, OPTIONS' : 'POST',
      });
      return;
    }
    this.readBody(req, res, extra, (text) => {
      if (key === undefined) this.bulk(req, res, text, extra);
      else this.single(req, res, key, text, extra);
    });
  };

  private readBody(
    req: IncomingMessage,
    res: ServerResponse,
    extra: OutgoingHttpHeaders | undefined,
    done: (text: string) => void,
  ): void {
    const limit = this.options.maxRequestBody;
    const declared = Number(req.headers['content-length']);
    const tooLarge = () => {
      send(res, 413, TOO_LARGE, { ...extra, connection: 'close' });
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
    return this.options.context.merge(context, (name) => {
      const value = req.headers[name];
      return Array.isArray(value) ? value[0] : value;
    });
  }

  /** The caller's selector (the flagd-selector header), or why it is invalid (a 400). */
  private selectorOf(req: IncomingMessage): { selector: Selector } | { invalid: string } {
    const header = req.headers[SELECTOR_METADATA_KEY];
    try {
      return { selector: this.options.selectors.get(Array.isArray(header) ? header[0] : header) };
    } catch (error) {
      if (!(error instanceof InvalidSelectorError)) throw error;
      return { invalid: `invalid selector: ${error.message}` };
    }
  }

  private single(
    req: IncomingMessage,
    res: ServerResponse,
    key: string,
    text: string,
    extra: OutgoingHttpHeaders | undefined,
  ): void {
    const body = parseRequestBody(text, this.options.logger);
    if (!body.ok) {
      send(res, 400, Buffer.from(errorJson(key, 'INVALID_CONTEXT', body.details)), extra);
      return;
    }
    const selected = this.selectorOf(req);
    if ('invalid' in selected) {
      send(res, 400, Buffer.from(errorJson(key, 'GENERAL', selected.invalid)), extra);
      return;
    }
    const view = this.options.views.view(this.options.generation(), selected.selector);
    const result = evaluateAny(
      view.snapshot,
      { flagKey: key, context: this.contextOf(req, body.context) },
      this.evaluateOptions,
    );
    if (result.errorCode !== undefined) {
      const details = ofrepDetails(result.errorCode, key);
      send(
        res,
        ofrepStatus(result.errorCode),
        Buffer.from(errorJson(key, result.errorCode, details)),
        extra,
      );
      return;
    }
    send(res, 200, singleBody(view, key, result), extra);
  }

  private bulk(
    req: IncomingMessage,
    res: ServerResponse,
    text: string,
    extra: OutgoingHttpHeaders | undefined,
  ): void {
    const body = parseRequestBody(text, this.options.logger);
    if (!body.ok) {
      send(res, 400, Buffer.from(errorJson(undefined, 'INVALID_CONTEXT', body.details)), extra);
      return;
    }
    const selected = this.selectorOf(req);
    if ('invalid' in selected) {
      send(res, 400, Buffer.from(errorJson(undefined, 'GENERAL', selected.invalid)), extra);
      return;
    }
    let payload: Buffer;
    try {
      const view = this.options.views.view(this.options.generation(), selected.selector);
      const context = this.contextOf(req, body.context);
      const elements: string[] = [];
      for (const key of view.snapshot.keys()) {
        elements.push(
          bulkElement(
            view,
            key,
            evaluateAny(view.snapshot, { flagKey: key, context }, this.evaluateOptions),
          ),
        );
      }
      payload = bulkBody(view, elements);
    } catch (error) {
      this.options.logger.warn({ err: error }, 'OFREP bulk evaluation failed');
      send(res, 500, Buffer.from(errorJson(undefined, 'GENERAL', 'bulk evaluation failed')), extra);
      return;
    }
    const etag = etagOf(payload);
    const inm = req.headers['if-none-match'];
    if (matchesIfNoneMatch(inm, etag)) {
      res.writeHead(304, { ...extra, etag }).end();
      return;
    }
    send(res, 200, payload, { ...extra, etag });
  }
}

function send(
  res: ServerResponse,
  status: number,
  body: Buffer,
  extra: OutgoingHttpHeaders | undefined,
): void {
  const headers: OutgoingHttpHeaders = {
    'content-type': 'application/json',
    'content-length': body.length,
  };
  if (extra) Object.assign(headers, extra);
  res.writeHead(status, headers).end(body);
}

export async function startOfrepServer(
  handler: OfrepHandler,
  options: { host: string; port: number; maxRequestHeader: number },
): Promise<{ server: Server; port: number }> {
  const server = createServer({ maxHeaderSize: options.maxRequestHeader }, handler.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) =>
      reject(
        new StartupError(
          `STARTUP: cannot listen on ${options.host}:${options.port} (OFREP): ${error.message}`,
          {
            cause: error,
          },
        ),
      ),
    );
    server.listen(options.port, options.host, () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}
