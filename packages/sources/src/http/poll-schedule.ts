// When an http source polls: every `interval`, on wall-clock slots shifted by a per-instance
// offset, so that replicas started together (a rollout) do not all poll in the same instant.
// flagd derives the offset from `intervalSeed` (FNV-1a 32 of the seed, modulo the interval in
// seconds: open-feature/flagd:core/pkg/sync/internal/polling/poller.go) and polls at offset 0
// without one, i.e. every replica at once; here an entry without a seed gets a random offset.
// Slots are counted from the Unix epoch rather than flagd's local midnight; for intervals that
// divide a day the two differ only by the time-zone offset.

/** FNV-1a, 32 bits, over the UTF-8 bytes of `text`. */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** flagd's offset for a seed, in ms (whole seconds, as flagd computes it). */
export function seededOffsetMs(seed: string, intervalMs: number): number {
  const seconds = Math.floor(intervalMs / 1000);
  if (seed === '' || seconds === 0) return 0;
  return (fnv1a32(seed) % seconds) * 1000;
}

/** A random offset in [0, interval): what an entry without a seed gets. */
export function randomOffsetMs(intervalMs: number, random: () => number = Math.random): number {
  return Math.floor(random() * intervalMs);
}

/** The first slot strictly after `now` (epoch ms) for this interval and offset. */
export function nextSlot(now: number, intervalMs: number, offsetMs: number): number {
  const phase = (((now - offsetMs) % intervalMs) + intervalMs) % intervalMs;
  return now - phase + intervalMs;
}
