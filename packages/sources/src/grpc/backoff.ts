// Capped exponential backoff with jitter, for streams the server failed without delivering a
// valid configuration (a reachable server that refuses us). The official flagd provider waits
// a flat retryBackoffMaxMs after every error; here the first retry comes after about
// retryBackoffMs and the delay doubles up to retryBackoffMaxMs. A lost healthy stream does not
// use it: it is reopened once the channel reconnects (stream-retry.ts, docs/adr/0020).

export interface Backoff {
  /** The delay before the next attempt; each call doubles the next one, up to the cap. */
  next(): number;
  /** Back to the initial delay (after a healthy stream). */
  reset(): void;
}

export function createBackoff(
  initialMs: number,
  maxMs: number,
  random: () => number = Math.random,
): Backoff {
  // A 0 initial delay still grows (1, 2, 4 ms…): retries never settle into a hot loop.
  const base = Math.max(1, initialMs);
  const cap = Math.max(base, maxMs);
  let attempt = 0;
  return {
    next() {
      const ceiling = Math.min(cap, base * 2 ** attempt);
      attempt = Math.min(attempt + 1, 30);
      // "Equal jitter": half fixed, half random, so retries of many clients spread out but no
      // retry comes sooner than half the nominal delay.
      return Math.round(ceiling / 2 + random() * (ceiling / 2));
    },
    reset() {
      attempt = 0;
    },
  };
}
