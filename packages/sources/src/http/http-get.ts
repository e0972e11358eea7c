// One conditional GET of a flag document, bounded in time and size: redirects followed (at most
// 5, as far as a browser would go for a document, and Authorization is dropped when one leaves
// the origin, as Go's client does), `Content-Encoding` gzip/deflate/br decoded with the size
// bound applied to the decoded bytes, and every outcome a value, never a throw.
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Transform } from 'node:stream';

export type HttpAnswer =
  | { readonly kind: 'unchanged' }
  | {
      readonly kind: 'body';
      readonly text: string;
      readonly etag: string | undefined;
      readonly contentType: string | undefined;
    }
  | { readonly kind: 'failed'; readonly reason: string }
  | { readonly kind: 'too-large'; readonly reason: string };

export interface HttpGetOptions {
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  /** Sent as If-None-Match when defined. */
  readonly etag: string | undefined;
  readonly timeoutMs: number;
  readonly maxBytes: number;
}

const MAX_REDIRECTS = 5;

/** Keep-alive agents (one connection per source and scheme), with the CA of `certPath`. */
export class HttpClient {
  private readonly http = new HttpAgent({ keepAlive: true, maxSockets: 1 });
  private readonly https: HttpsAgent;

  constructor(ca: Buffer | undefined) {
    this.https = new HttpsAgent({ keepAlive: true, maxSockets: 1, ...(ca ? { ca } : {}) });
  }

  get(options: HttpGetOptions): Promise<HttpAnswer> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        cancel?.(`no answer within ${options.timeoutMs} ms`);
      }, options.timeoutMs);
      let cancel: ((reason: string) => void) | undefined;
      const done = (answer: HttpAnswer) => {
        clearTimeout(timer);
        resolve(answer);
      };
      this.attempt(options, options.url, MAX_REDIRECTS, done, (c) => {
        cancel = c;
      });
    });
  }

  close(): void {
    this.http.destroy();
    this.https.destroy();
  }

  private attempt(
    options: HttpGetOptions,
    url: URL,
    redirects: number,
    done: (answer: HttpAnswer) => void,
    onCancel: (cancel: (reason: string) => void) => void,
  ): void {
    const secure = url.protocol === 'https:';
    const headers: Record<string, string> = {
      accept: 'application/json, application/yaml',
      'accept-encoding': 'gzip, deflate, br',
      ...requestHeaders(options, url),
    };
    if (options.etag !== undefined) headers['if-none-match'] = options.etag;
    const send = secure ? httpsRequest : httpRequest;
    const request = send(url, { method: 'GET', headers, agent: secure ? this.https : this.http });
    onCancel((reason) => request.destroy(new Error(reason)));
    request.on('error', (error) => done({ kind: 'failed', reason: error.message }));
    request.on('response', (response) => {
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (status >= 300 && status < 400 && status !== 304 && location !== undefined) {
        response.resume();
        if (redirects === 0) {
          done({ kind: 'failed', reason: `more than ${MAX_REDIRECTS} redirects` });
          return;
        }
        this.attempt(options, new URL(location, url), redirects - 1, done, onCancel);
        return;
      }
      answer(response, options.maxBytes, done);
    });
    request.end();
  }
}

/** The configured headers; Authorization only while the request stays on the configured origin. */
function requestHeaders(options: HttpGetOptions, url: URL): Record<string, string> {
  const sameOrigin = url.origin === options.url.origin;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.headers)) {
    if (!sameOrigin && name.toLowerCase() === 'authorization') continue;
    headers[name] = value;
  }
  return headers;
}

function decoderOf(encoding: string | undefined): Transform | undefined {
  switch (encoding?.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    case 'deflate':
      return createInflate();
    case 'br':
      return createBrotliDecompress();
    default:
      return undefined;
  }
}

function answer(
  response: IncomingMessage,
  maxBytes: number,
  done: (answer: HttpAnswer) => void,
): void {
  const status = response.statusCode ?? 0;
  if (status === 304) {
    response.resume();
    done({ kind: 'unchanged' });
    return;
  }
  if (status < 200 || status >= 300) {
    response.resume();
    done({ kind: 'failed', reason: `HTTP ${status} ${response.statusMessage ?? ''}`.trim() });
    return;
  }
  const declared = Number(response.headers['content-length']);
  const encoding = response.headers['content-encoding'];
  if (encoding === undefined && declared > maxBytes) {
    response.destroy();
    done({ kind: 'too-large', reason: `${declared} bytes is over the limit of ${maxBytes} bytes` });
    return;
  }
  readBounded(response, maxBytes, (result) => {
    if (result.kind !== 'body') {
      done(result);
      return;
    }
    done({
      kind: 'body',
      text: result.text,
      etag: response.headers.etag,
      contentType: response.headers['content-type'],
    });
  });
}

type Read =
  | { readonly kind: 'body'; readonly text: string }
  | { readonly kind: 'failed'; readonly reason: string }
  | { readonly kind: 'too-large'; readonly reason: string };

/** Reads the (decoded) body, stopping at maxBytes + 1 bytes. */
function readBounded(response: IncomingMessage, maxBytes: number, done: (read: Read) => void) {
  const encoding = response.headers['content-encoding'];
  const decoder = decoderOf(encoding);
  if (
    decoder === undefined &&
    encoding !== undefined &&
    encoding.trim().toLowerCase() !== 'identity'
  ) {
    response.resume();
    done({ kind: 'failed', reason: `unsupported Content-Encoding ${encoding}` });
    return;
  }
  const body = decoder ? response.pipe(decoder) : response;
  const chunks: Buffer[] = [];
  let size = 0;
  let finished = false;
  const finish = (read: Read) => {
    if (finished) return;
    finished = true;
    done(read);
  };
  body.on('data', (chunk: Buffer) => {
    size += chunk.byteLength;
    if (size > maxBytes) {
      response.destroy();
      decoder?.destroy();
      finish({ kind: 'too-large', reason: `the body is over the limit of ${maxBytes} bytes` });
      return;
    }
    chunks.push(chunk);
  });
  body.on('end', () => finish({ kind: 'body', text: Buffer.concat(chunks).toString('utf8') }));
  body.on('error', (error: Error) => finish({ kind: 'failed', reason: error.message }));
  response.on('error', (error: Error) => finish({ kind: 'failed', reason: error.message }));
  response.on('close', () => {
    if (!response.complete) finish({ kind: 'failed', reason: 'the connection closed mid-body' });
  });
}
