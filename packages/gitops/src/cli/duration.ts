// Go's time.ParseDuration syntax, which flagd's duration flags use (and `set --timeout`): "1h2m3.5s", "300ms", "0".
import { UsageError } from '@switchyard/core';

const UNITS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** Returns milliseconds. */
export function parseDuration(text: string, option: string): number {
  const value = text.trim();
  if (value === '0') return 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(value); m; m = re.exec(value)) {
    total += Number(m[1]) * (UNITS[m[2] as string] as number);
    matched = re.lastIndex;
  }
  if (value === '' || matched !== value.length) {
    throw new UsageError(
      `--${option}: invalid duration "${text}" (examples: 0, 500ms, 30s, 10m, 1h30m)`,
    );
  }
  return total;
}
