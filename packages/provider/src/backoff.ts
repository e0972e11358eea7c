// Capped exponential backoff with jitter, for real stream errors (not routine recycling).
// The official provider waits a flat retryBackoffMaxMs after every error; here the first retry
// comes after about retryBackoffMs and the delay doubles up to retryBackoffMaxMs.

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
  const cap = Math.max(initialMs, maxMs);
  let attempt = 0;
  return {
    next() {
      const ceiling = Math.min(cap, initialMs * 2 ** attempt);
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
