// GET /ui/api/events: server-sent events that tell open console pages what changed, so they
// refetch only then (no polling, no reload): `generation` (a new generation was published),
// `audit` (its audit entry with git is written), `health` (a source problem appeared or
// cleared), `usage` (reports arrived; at most one per second). Each event carries a small JSON
// object, never flag content. Bounded: 64 open streams; a stream whose unsent data passes
// 64 KB (a stalled client) is closed; a comment every 20 s keeps proxies from timing it out.
// With --auth-config every stream is decided again after a reload (`recheck`): one whose
// credential no longer opens the console ends, and the browser's reconnect is refused (401/403).
import type { ServerResponse } from 'node:http';
import type { ManagementRequest } from '../management/routes.js';
import { sendText } from '../management/routes.js';
import type { LiveEventName } from './api-types.js';

export interface LiveEventsOptions {
  readonly maxStreams?: number;
  readonly keepAliveMs?: number;
  /** Shortest time between two `usage` events (default 1 s). */
  readonly usageEveryMs?: number;
}

const MAX_BUFFERED = 64 * 1024;

export class LiveEvents {
  /** Open streams, each with how to decide its request again (undefined: no guard). */
  private readonly streams = new Map<ServerResponse, ManagementRequest['stillAllowed']>();
  private readonly keepAlive: NodeJS.Timeout;
  private usageTimer: NodeJS.Timeout | undefined;
  private usagePending: unknown;
  private closed = false;

  constructor(private readonly options: LiveEventsOptions = {}) {
    this.keepAlive = setInterval(
      () => this.write(': keep-alive\n\n'),
      options.keepAliveMs ?? 20_000,
    );
    this.keepAlive.unref();
  }

  get size(): number {
    return this.streams.size;
  }

  open(request: ManagementRequest, response: ServerResponse): void {
    if (this.closed || this.streams.size >= (this.options.maxStreams ?? 64)) {
      sendText(response, 503, this.closed ? 'shutting down' : 'too many open event streams');
      return;
    }
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
    });
    response.write('retry: 2000\n\n');
    this.streams.set(response, request.stillAllowed);
    const drop = () => this.streams.delete(response);
    request.raw.once('close', drop);
    response.once('close', drop);
  }

  publish(event: LiveEventName, data: unknown): void {
    if (event === 'usage') this.throttledUsage(data);
    else this.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  /**
   * --auth-config was reloaded: each stream is decided again, and one whose caller may no
   * longer open the console ends (so does one the guard fails on: closed, not open, by default).
   */
  recheck(): void {
    for (const [stream, stillAllowed] of this.streams) {
      if (stillAllowed === undefined) continue;
      const end = () => {
        if (this.streams.delete(stream)) stream.end();
      };
      stillAllowed().then((allowed) => allowed || end(), end);
    }
  }

  /** Ends every stream (the daemon is stopping). */
  close(): void {
    this.closed = true;
    clearInterval(this.keepAlive);
    clearTimeout(this.usageTimer);
    for (const stream of this.streams.keys()) stream.end();
    this.streams.clear();
  }

  private throttledUsage(data: unknown): void {
    this.usagePending = data;
    if (this.usageTimer !== undefined) return;
    this.write(`event: usage\ndata: ${JSON.stringify(data)}\n\n`);
    this.usagePending = undefined;
    this.usageTimer = setTimeout(() => {
      this.usageTimer = undefined;
      if (this.usagePending !== undefined) this.throttledUsage(this.usagePending);
    }, this.options.usageEveryMs ?? 1000);
    this.usageTimer.unref();
  }

  private write(chunk: string): void {
    for (const stream of this.streams.keys()) {
      if (stream.writableLength > MAX_BUFFERED) {
        stream.destroy();
        this.streams.delete(stream);
      } else {
        stream.write(chunk);
      }
    }
  }
}
