// Capped exponential backoff with jitter (js-provider.md "What a better provider would do" §2).
import { createBackoff } from '../src/backoff.js';

test('doubles from retryBackoffMs up to retryBackoffMaxMs, with jitter in [d/2, d]', () => {
  const low = createBackoff(100, 1000, () => 0);
  expect([1, 2, 3, 4, 5, 6].map(() => low.next())).toEqual([50, 100, 200, 400, 500, 500]);
  const high = createBackoff(100, 1000, () => 1);
  expect([1, 2, 3, 4, 5].map(() => high.next())).toEqual([100, 200, 400, 800, 1000]);
});

test('reset starts again from the initial delay', () => {
  const b = createBackoff(100, 1000, () => 1);
  b.next();
  b.next();
  b.reset();
  expect(b.next()).toBe(100);
});

test('a max below the initial delay caps at the initial delay', () => {
  const b = createBackoff(500, 100, () => 1);
  expect([b.next(), b.next()]).toEqual([500, 500]);
});
