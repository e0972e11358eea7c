// TEMPORARY (until @switchyard/core exports evaluation): MurmurHash3 x86_32, seed 0, over the
// UTF-8 bytes of a string, as flagd's fractional uses it (reference flagd-daemon.md §4).
export function murmur3(text: string): number {
  const bytes = Buffer.from(text, 'utf8');
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  let h = 0;
  const blocks = bytes.length - (bytes.length % 4);
  for (let i = 0; i < blocks; i += 4) {
    let k = bytes.readUInt32LE(i);
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  let k = 0;
  const rest = bytes.length % 4;
  if (rest === 3) k ^= (bytes[blocks + 2] as number) << 16;
  if (rest >= 2) k ^= (bytes[blocks + 1] as number) << 8;
  if (rest >= 1) {
    k ^= bytes[blocks] as number;
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
  }
  h ^= bytes.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** `(hash × totalWeight) >> 32`, exact (64-bit). */
export function bucketOf(hash: number, totalWeight: number): number {
  return Number((BigInt(hash) * BigInt(totalWeight)) >> 32n);
}
