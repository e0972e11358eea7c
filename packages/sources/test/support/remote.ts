// Peers for remote sources: a recorder for any FlagSource's updates with event waiters, and a
// real loopback HTTP server whose answers a test sets (status, body, ETag, delay, encoding) and
// whose requests it counts.
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import type { FlagSource, SourceUpdate } from '../../src/index.js';

export interface Recorded {
  readonly updates: SourceUpdate[];
  /** Resolves with the first update (from the `from`-th on) that matches. */
  update(match: (u: SourceUpdate) => boolean, from?: number): Promise<SourceUpdate>;
  close(): Promise<void>;
}

/** Starts `source` and records every update. */
export async function record(source: FlagSource): Promise<Recorded> {
  const updates: SourceUpdate[] = [];
  const waiters = new Set<() => void>();
  await source.start((u) => {
    updates.push(u);
    for (const w of [...waiters]) w();
  });
  return {
    updates,
    update(match, from = 0) {
      return new Promise((resolve) => {
        const check = () => {
          const found = updates.slice(from).find(match);
          if (!found) return false;
          waiters.delete(check);
          resolve(found);
          return true;
        };
        if (!check()) waiters.add(check);
      });
    },
    close: () => source.close(),
  };
}

export interface Answer {
  status: number;
  body: string;
  etag?: string | undefined;
  contentType?: string | undefined;
  gzip?: boolean;
  /** Answer nothing (the request hangs until the client gives up). */
  hang?: boolean;
  /** Redirect to this path (302). */
  redirect?: string | undefined;
}

export interface SeenRequest {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The answer's status (304 when If-None-Match matched). */
  readonly status: number;
}

/** A loopback HTTP(S) server answering `answer` (a 304 when If-None-Match equals its ETag). */
export class TestHttpServer {
  answer: Answer;
  readonly requests: SeenRequest[] = [];
  private readonly waiters = new Set<() => void>();
  private constructor(
    private readonly server: Server,
    readonly port: number,
    answer: Answer,
  ) {
    this.answer = answer;
  }

  static async start(answer: Answer, tls?: { key: Buffer; cert: Buffer }): Promise<TestHttpServer> {
    let self: TestHttpServer | undefined;
    const server = tls
      ? createTlsServer(tls, (q, s) => self!.handle(q.url ?? '/', q.headers, s))
      : createServer((q, s) => self!.handle(q.url ?? '/', q.headers, s));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    self = new TestHttpServer(server, (server.address() as AddressInfo).port, answer);
    return self;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Resolves once `count` requests matched `match`. */
  requestsMatching(match: (r: SeenRequest) => boolean, count: number): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (this.requests.filter(match).length < count) return;
        this.waiters.delete(check);
        resolve();
      };
      this.waiters.add(check);
      check();
    });
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(
    path: string,
    headers: IncomingHttpHeaders,
    response: import('node:http').ServerResponse,
  ) {
    const a = this.answer;
    const seen = (status: number) => {
      this.requests.push({ path, headers, status });
      for (const w of [...this.waiters]) w();
    };
    if (a.hang) {
      seen(0);
      return;
    }
    if (a.redirect !== undefined && path !== a.redirect) {
      seen(302);
      response.writeHead(302, { location: a.redirect }).end();
      return;
    }
    if (a.etag !== undefined && headers['if-none-match'] === a.etag) {
      seen(304);
      response.writeHead(304, { etag: a.etag }).end();
      return;
    }
    seen(a.status);
    const body = a.gzip ? gzipSync(a.body) : Buffer.from(a.body);
    response
      .writeHead(a.status, {
        ...(a.etag === undefined ? {} : { etag: a.etag }),
        ...(a.contentType === undefined ? {} : { 'content-type': a.contentType }),
        ...(a.gzip ? { 'content-encoding': 'gzip' } : {}),
        'content-length': body.byteLength,
      })
      .end(body);
  }
}
