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

/** A logger that records instead of printing. */
export function silentLogger() {
  const lines: string[] = [];
  const log = (...args: unknown[]) => void lines.push(args.map(String).join(' '));
  return { lines, error: log, warn: log, info: log, debug: log };
}
