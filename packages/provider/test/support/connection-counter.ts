// Stands in for a server during an outage: a TCP listener on its port that accepts each
// connection and closes it at once (before any HTTP/2 handshake, so a gRPC client sees a failed
// connection attempt, as from a port nobody serves), and counts the attempts per address the
// client dialled — clients given distinct loopback addresses (127.0.0.x) are told apart.
import { EventEmitter, once } from 'node:events';
import { type Server, createServer } from 'node:net';

export class ConnectionCounter extends EventEmitter {
  private readonly counts = new Map<string, number>();

  private constructor(private readonly server: Server) {
    super();
    server.on('connection', (socket) => {
      const address = socket.localAddress ?? '?';
      this.counts.set(address, (this.counts.get(address) ?? 0) + 1);
      socket.destroy();
      this.emit('attempt');
    });
  }

  /** Listens on `host:port` (0.0.0.0 reaches every 127.0.0.x, as the daemon binds). */
  static async listen(port: number, host = '0.0.0.0'): Promise<ConnectionCounter> {
    const server = createServer();
    server.listen({ port, host });
    await once(server, 'listening');
    return new ConnectionCounter(server);
  }

  /** Connection attempts to `address` so far. */
  count(address: string): number {
    return this.counts.get(address) ?? 0;
  }

  /** Resolves once `predicate` holds (checked after every attempt). */
  async until(predicate: () => boolean): Promise<void> {
    while (!predicate()) await once(this, 'attempt');
  }

  async close(): Promise<void> {
    this.server.close();
    await once(this.server, 'close');
  }
}

/** Attempts that fit in `elapsedMs`: one at 0, then one after each delay `next` yields in turn. */
function attemptsWithin(elapsedMs: number, firstDelay: number, next: (delay: number) => number) {
  let attempts = 1;
  let at = 0;
  for (let delay = firstDelay; at + delay <= elapsedMs; delay = next(delay)) {
    at += delay;
    attempts++;
  }
  return attempts;
}

/**
 * The most connection attempts grpc-js can make within `elapsedMs` of losing a connection, with
 * `grpc.initial_reconnect_backoff_ms` = initialMs and `grpc.max_reconnect_backoff_ms` = maxMs:
 * an attempt at once, the next after exactly initialMs, then each delay at least 0.8 × min(1.6 ×
 * the previous delay, maxMs) (multiplier 1.6, jitter ±20 %, grpc-js `backoff-timeout.ts`).
 */
export function maxConnectionAttempts(
  elapsedMs: number,
  backoff: { readonly initialMs: number; readonly maxMs: number },
): number {
  return attemptsWithin(
    elapsedMs,
    backoff.initialMs,
    (d) => 0.8 * Math.min(1.6 * d, backoff.maxMs),
  );
}

/**
 * The most stream attempts the provider's backoff allows within `elapsedMs` after a first
 * failed one: each wait is at least half its ceiling (less rounding), the ceiling doubling from
 * initialMs to maxMs (backoff.ts).
 */
export function maxStreamAttempts(
  elapsedMs: number,
  backoff: { readonly initialMs: number; readonly maxMs: number },
): number {
  const base = Math.max(1, backoff.initialMs);
  const cap = Math.max(base, backoff.maxMs);
  const wait = (ceiling: number) => ceiling / 2 - 0.5;
  const ceilingOf = (delay: number) => 2 * (delay + 0.5);
  return attemptsWithin(elapsedMs, wait(base), (d) => wait(Math.min(cap, 2 * ceilingOf(d))));
}
