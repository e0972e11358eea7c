// An HTTP(S) endpoint polled for a flag document, as a payload feed
// (open-feature/flagd:core/pkg/sync/http/http_sync.go): a GET at start, then one per poll slot
// (poll-schedule.ts), never two at once; `If-None-Match` with the last ETag, so an unchanged
// document costs a 304; a body goes to the payload source, which publishes only when its content
// changed and keeps the last good one through invalid bodies. Errors, non-2xx answers, timeouts
// and bodies over the size bound are problems of the source; the next slot tries again.
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { PayloadFeed, PayloadSink } from '../payload-source.js';
import { HttpClient } from './http-get.js';
import type { HttpAnswer } from './http-get.js';
import { nextSlot } from './poll-schedule.js';

export interface HttpFeedOptions {
  readonly url: URL;
  /** `GET https://host/path`: the URL without credentials or query (which may hold tokens). */
  readonly description: string;
  /** Authorization and the entry's headers. */
  readonly headers: Readonly<Record<string, string>>;
  /** A CA certificate (PEM) to trust besides the system roots' replacement. */
  readonly certPath: string | undefined;
  readonly intervalMs: number;
  readonly offsetMs: number;
  readonly timeoutMs: number;
  readonly maxBytes: number;
  readonly trace?: ((message: string) => void) | undefined;
}

/** flagd's choice of format: the URL path's extension, else the Content-Type. */
export function formatOf(url: URL, contentType: string | undefined): 'json' | 'yaml' | undefined {
  const extension = extname(url.pathname).toLowerCase();
  if (extension === '.yaml' || extension === '.yml') return 'yaml';
  if (extension === '.json') return 'json';
  if (contentType === undefined) return undefined;
  if (/yaml/i.test(contentType)) return 'yaml';
  if (/json/i.test(contentType)) return 'json';
  return undefined;
}

export function createHttpFeed(options: HttpFeedOptions): PayloadFeed {
  let sink: PayloadSink | undefined;
  let client: HttpClient | undefined;
  let etag: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  /** The client, built on first use so a CA file mounted later is picked up. */
  function clientOrReason(): HttpClient | string {
    if (client !== undefined) return client;
    let ca: Buffer | undefined;
    if (options.certPath !== undefined) {
      try {
        ca = readFileSync(options.certPath);
      } catch (error) {
        return `certPath: cannot read ${options.certPath}: ${(error as Error).message}`;
      }
    }
    client = new HttpClient(ca);
    return client;
  }

  function deliver(answer: HttpAnswer): void {
    const to = sink!;
    switch (answer.kind) {
      case 'unchanged':
        options.trace?.(`${options.description}: 304, unchanged`);
        to.unchanged();
        return;
      case 'body': {
        etag = answer.etag;
        const format = formatOf(options.url, answer.contentType);
        options.trace?.(`${options.description}: 200, ${answer.text.length} characters`);
        to.payload({ configuration: answer.text, ...(format ? { format } : {}) });
        return;
      }
      case 'too-large':
        to.tooLarge(`${options.description}: ${answer.reason}`);
        return;
      case 'failed':
        to.unavailable(`${options.description}: ${answer.reason}`);
    }
  }

  async function poll(): Promise<void> {
    timer = undefined;
    const http = clientOrReason();
    if (typeof http === 'string') sink!.unavailable(`${options.description}: ${http}`);
    else {
      const answer = await http.get({
        url: options.url,
        headers: options.headers,
        etag,
        timeoutMs: options.timeoutMs,
        maxBytes: options.maxBytes,
      });
      if (closed) return;
      deliver(answer);
    }
    if (closed) return;
    const now = Date.now();
    const slot = nextSlot(now, options.intervalMs, options.offsetMs);
    timer = setTimeout(() => void poll(), slot - now);
    timer.unref();
  }

  return {
    description: options.description,
    start(s) {
      sink = s;
      void poll();
    },
    close() {
      closed = true;
      clearTimeout(timer);
      client?.close();
    },
  };
}
