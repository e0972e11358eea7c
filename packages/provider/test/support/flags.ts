// Flag configurations for provider tests (flagd schema).
import { createServer } from 'node:net';

/** A configuration whose `color` flag serves `defaultVariant`, plus a targeted flag. */
export function flagConfig(defaultVariant: 'red' | 'blue' = 'red', extra: object = {}): string {
  return JSON.stringify({
    flags: {
      color: {
        state: 'ENABLED',
        variants: { red: 'red', blue: 'blue' },
        defaultVariant,
      },
      'new-ui': {
        state: 'ENABLED',
        variants: { on: true, off: false },
        defaultVariant: 'off',
        targeting: { if: [{ '===': [{ var: 'tier' }, 'gold'] }, 'on', 'off'] },
      },
      ...extra,
    },
  });
}

/** A flag-configuration payload that no engine accepts. */
export const INVALID_CONFIG = '{"flags": {"broken": {"state": "SOMETIMES", "variants": {}}}';

/** A loopback port with nothing listening (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** A logger that records instead of printing; tests can wait for a line. */
export function silentLogger() {
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  const log = (...args: unknown[]) => {
    lines.push(args.map(String).join(' '));
    for (const w of [...waiters]) w();
  };
  const waitFor = (pattern: RegExp) =>
    new Promise<string>((resolve) => {
      const check = () => {
        const line = lines.find((l) => pattern.test(l));
        if (line === undefined) return;
        waiters.delete(check);
        resolve(line);
      };
      waiters.add(check);
      check();
    });
  return { lines, waitFor, error: log, warn: log, info: log, debug: log };
}
