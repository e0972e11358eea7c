// Loopback ports for the emulated launchpad. The daemon's listeners get ports BELOW the
// kernel's ephemeral range: a port picked with `listen(0)` and released is an ephemeral port,
// which any outgoing connection on the machine (our own providers' included) may take as its
// local port before the daemon binds it — EADDRINUSE at the next (re)start. One more such port
// stays closed for `a unavailable flagd provider` (the JS harness uses 9999).
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Low end of the ephemeral port range (Linux: /proc/sys/net/ipv4/ip_local_port_range). */
function ephemeralLow(): number {
  try {
    const low = Number(
      readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0],
    );
    return Number.isInteger(low) && low > 2048 ? low : 32768;
  } catch {
    return 32768; // IANA's dynamic range starts at 49152; Linux's default at 32768.
  }
}

function canListen(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * `count` distinct ports, below the ephemeral range, free on every interface right now
 * (the daemon binds 0.0.0.0, like flagd). The search starts at a random port so concurrent
 * test files rarely probe the same ones.
 */
export async function freePorts(count: number): Promise<number[]> {
  const high = ephemeralLow() - 1;
  const low = Math.max(10_000, high - 20_000);
  const span = high - low;
  const start = low + Math.floor(Math.random() * span);
  const ports: number[] = [];
  for (let i = 0; i < span && ports.length < count; i++) {
    const port = low + ((start - low + i) % span);
    if ((await canListen(port, '0.0.0.0')) && (await canListen(port, '127.0.0.1'))) {
      ports.push(port);
    }
  }
  if (ports.length < count) throw new Error(`no ${count} free ports in ${low}-${high}`);
  return ports;
}

export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  return port!;
}
