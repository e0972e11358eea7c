// MurmurHash3 x86_32 with seed 0 over the UTF-8 bytes of a string, as flagd's
// `twmb/murmur3.StringSum32` computes it. The string is encoded on the fly (no TextEncoder, no
// allocation). `@openfeature/flagd-core` hashes UTF-16 code units instead (imurmurhash), which
// only agrees with flagd for ASCII keys.

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

/** Unsigned 32-bit MurmurHash3 (x86_32, seed 0) of the UTF-8 encoding of `s`. */
export function murmur3Utf8(s: string): number {
  let h = 0;
  let k = 0; // pending bytes of the current 4-byte block, little-endian
  let shift = 0; // bits already in `k`
  let length = 0; // bytes hashed so far

  const n = s.length;
  let i = 0;
  // Fast path: whole 4-byte blocks while the string is ASCII (one byte per code unit).
  for (; i + 3 < n; i += 4) {
    const c0 = s.charCodeAt(i);
    const c1 = s.charCodeAt(i + 1);
    const c2 = s.charCodeAt(i + 2);
    const c3 = s.charCodeAt(i + 3);
    if ((c0 | c1 | c2 | c3) >= 0x80) break;
    k = c0 | (c1 << 8) | (c2 << 16) | (c3 << 24);
    k = Math.imul(k, C1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, C2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
    length += 4;
  }
  k = 0;
  for (; i < n; i++) {
    let cp = s.charCodeAt(i);
    let count: number;
    if (cp < 0x80) {
      count = 1;
    } else if (cp < 0x800) {
      count = 2;
    } else if (cp >= 0xd800 && cp <= 0xdfff) {
      const next = i + 1 < n ? s.charCodeAt(i + 1) : 0;
      if (cp <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (next - 0xdc00);
        i++;
        count = 4;
      } else {
        // A lone surrogate is not encodable: UTF-8 encoders (Buffer, Go) emit U+FFFD.
        cp = 0xfffd;
        count = 3;
      }
    } else {
      count = 3;
    }

    for (let j = 0; j < count; j++) {
      let byte: number;
      if (count === 1) byte = cp;
      else if (j === 0)
        byte = (count === 2 ? 0xc0 : count === 3 ? 0xe0 : 0xf0) | (cp >> (6 * (count - 1)));
      else byte = 0x80 | ((cp >> (6 * (count - 1 - j))) & 0x3f);

      k |= (byte & 0xff) << shift;
      shift += 8;
      length++;
      if (shift === 32) {
        k = Math.imul(k, C1);
        k = (k << 15) | (k >>> 17);
        k = Math.imul(k, C2);
        h ^= k;
        h = (h << 13) | (h >>> 19);
        h = (Math.imul(h, 5) + 0xe6546b64) | 0;
        k = 0;
        shift = 0;
      }
    }
  }

  if (shift !== 0) {
    k = Math.imul(k, C1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, C2);
    h ^= k;
  }

  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * `floor(hash × totalWeight / 2^32)` computed exactly in doubles: the product can reach 2^63,
 * so it is split into 16-bit halves whose partial products stay below 2^48.
 */
export function scaleToBucket(hash: number, totalWeight: number): number {
  const hi = hash >>> 16;
  const lo = hash & 0xffff;
  const a = hi * totalWeight; // < 2^47, exact
  const b = lo * totalWeight; // < 2^47, exact
  const aHigh = Math.floor(a / 65536);
  const aLow = a - aHigh * 65536;
  return aHigh + Math.floor((aLow * 65536 + b) / 4294967296);
}
