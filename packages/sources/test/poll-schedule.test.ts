// Poll slots of the http source: flagd's seeded offset (FNV-1a 32 of intervalSeed modulo the
// interval in seconds) and wall-clock slots, and random offsets spreading replicas.
import fc from 'fast-check';
import { fnv1a32, nextSlot, randomOffsetMs, seededOffsetMs } from '../src/http/poll-schedule.js';

test('FNV-1a 32 matches the published test vectors (Go hash/fnv New32a)', () => {
  expect(fnv1a32('')).toBe(0x811c9dc5);
  expect(fnv1a32('a')).toBe(0xe40c292c);
  expect(fnv1a32('foobar')).toBe(0xbf9cf968);
});

test("a seed gives flagd's offset in whole seconds; no seed or a sub-second interval gives 0", () => {
  expect(seededOffsetMs('foobar', 30_000)).toBe((0xbf9cf968 % 30) * 1000);
  expect(seededOffsetMs('', 30_000)).toBe(0);
  expect(seededOffsetMs('x', 500)).toBe(0);
});

test('the next slot is after now, within one interval, on the offset phase', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 2 ** 42 }),
      fc.integer({ min: 1, max: 86_400_000 }),
      fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
      (now, interval, r) => {
        const offset = randomOffsetMs(interval, () => r);
        const slot = nextSlot(now, interval, offset);
        expect(slot).toBeGreaterThan(now);
        expect(slot - now).toBeLessThanOrEqual(interval);
        expect((((slot - offset) % interval) + interval) % interval).toBe(0);
      },
    ),
  );
});

test('replicas with random offsets spread over the interval', () => {
  const offsets = Array.from({ length: 100 }, () => randomOffsetMs(5000));
  expect(new Set(offsets.map((o) => Math.floor(o / 500))).size).toBeGreaterThanOrEqual(8);
});
