// MurmurHash3 x86_32 with seed 0 over the UTF-8 bytes of a string, as flagd's
// `twmb/murmur3.StringSum32` computes it. The string is encoded on the fly (no TextEncoder, no
// allocation). `@openfeature/flagd-core` hashes UTF-16 code units instead (imurmurhash), which
// only agrees with flagd for ASCII keys.

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

/** One 4-byte block `k` mixed into the running hash `h`. */
function mixBlock(h: number, k: number): number {
  k = Math.imul(k, C1);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, C2);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/**
 * Incremental MurmurHash3 x86_32 (seed 0) over the UTF-8 encoding of strings fed in order: the
 * result equals the hash of their concatenation. `fractional` hashes `flagKey + targetingKey` and
 * `cat` seeds this way, without building the concatenated string (which V8 would then have to
 * flatten before reading it). One module-level instance serves every evaluation: hashing is
 * synchronous and calls no user code, so runs never interleave.
 */
class Murmur3 {
  private h = 0;
  /** Pending bytes of the current 4-byte block, little-endian, and how many bits they fill. */
  private k = 0;
  private shift = 0;
  /** Bytes hashed so far. */
  private length = 0;
  /** A high surrogate that ended the previous part (it may pair with the next part's start). */
  private high = 0;

  reset(): void {
    this.h = 0;
    this.k = 0;
    this.shift = 0;
    this.length = 0;
    this.high = 0;
  }

  update(s: string): void {
    const n = s.length;
    if (n === 0) return;
    let h = this.h;
    let k = this.k;
    let shift = this.shift;
    let length = this.length;
    let i = 0;
    let cp = -1; // code point to encode before the main loop (a split surrogate pair)
    if (this.high !== 0) {
      const next = s.charCodeAt(0);
      if (next >= 0xdc00 && next <= 0xdfff) {
        cp = 0x10000 + ((this.high - 0xd800) << 10) + (next - 0xdc00);
        i = 1;
      } else {
        cp = 0xfffd; // the pending high surrogate was alone
      }
      this.high = 0;
    }
    for (;;) {
      if (cp < 0) {
        // Fast path: four ASCII code units (four bytes) at a time, at any alignment. A second
        // part (`targetingKey` after a 15-character flag key) usually starts mid-block, so the
        // pending bytes `k` (`shift` bits) complete the block and the word's last bytes carry.
        for (; i + 3 < n; i += 4) {
          const c0 = s.charCodeAt(i);
          const c1 = s.charCodeAt(i + 1);
          const c2 = s.charCodeAt(i + 2);
          const c3 = s.charCodeAt(i + 3);
          if ((c0 | c1 | c2 | c3) >= 0x80) break;
          const word = c0 | (c1 << 8) | (c2 << 16) | (c3 << 24);
          if (shift === 0) h = mixBlock(h, word);
          else {
            // JavaScript masks shift counts to 5 bits, so shift 0 cannot share this branch.
            h = mixBlock(h, k | (word << shift));
            k = word >>> (32 - shift);
          }
          length += 4;
        }
        if (i >= n) break;
        cp = s.charCodeAt(i++);
        if (cp < 0x80) {
          // One ASCII byte (a tail shorter than a block, or next to a non-ASCII character).
          k |= cp << shift;
          shift += 8;
          length++;
          if (shift === 32) {
            h = mixBlock(h, k);
            k = 0;
            shift = 0;
          }
          cp = -1;
          continue;
        }
        if (cp >= 0xd800 && cp <= 0xdbff) {
          if (i >= n) {
            // May pair with the next part; encoded there, or as U+FFFD by digest().
            this.high = cp;
            break;
          }
          const next = s.charCodeAt(i);
          if (next >= 0xdc00 && next <= 0xdfff) {
            cp = 0x10000 + ((cp - 0xd800) << 10) + (next - 0xdc00);
            i++;
          } else {
            cp = 0xfffd; // a lone surrogate is not encodable: UTF-8 encoders emit U+FFFD
          }
        } else if (cp >= 0xdc00 && cp <= 0xdfff) {
          cp = 0xfffd;
        }
      }
      // Encode `cp` byte by byte.
      const count = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
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
          h = mixBlock(h, k);
          k = 0;
          shift = 0;
        }
      }
      cp = -1;
    }
    this.h = h;
    this.k = k;
    this.shift = shift;
    this.length = length;
  }

  /** Copies the state (after a prefix) into `p`. */
  save(p: Murmur3Prefix): void {
    p.h = this.h;
    p.k = this.k;
    p.shift = this.shift;
    p.length = this.length;
    p.high = this.high;
  }

  /** Continues from a saved state, as if its prefix had just been fed. */
  load(p: Murmur3Prefix): void {
    this.h = p.h;
    this.k = p.k;
    this.shift = p.shift;
    this.length = p.length;
    this.high = p.high;
  }

  /** The unsigned hash of everything fed since reset(). */
  digest(): number {
    if (this.high !== 0) {
      this.high = 0;
      this.update('\ufffd');
    }
    let h = this.h;
    let k = this.k;
    if (this.shift !== 0) {
      k = Math.imul(k, C1);
      k = (k << 15) | (k >>> 17);
      k = Math.imul(k, C2);
      h ^= k;
    }
    h ^= this.length;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return h >>> 0;
  }
}

/**
 * The hash state after one prefix string, kept by a `fractional` closure: consecutive seeds of
 * a flag share their first part (the flag key in `flagKey + targetingKey` and in the usual
 * `cat` of `$flagd.flagKey` and a context value), which is then hashed once, not per
 * evaluation. Mutable and overwritten when the prefix changes, so a miss allocates nothing.
 */
export class Murmur3Prefix {
  text: string | undefined = undefined;
  h = 0;
  k = 0;
  shift = 0;
  length = 0;
  high = 0;
}

const shared = new Murmur3();

/** Unsigned 32-bit MurmurHash3 (x86_32, seed 0) of the UTF-8 encoding of `s`. */
export function murmur3Utf8(s: string): number {
  shared.reset();
  shared.update(s);
  return shared.digest();
}

/** murmur3Utf8(a + b), without building `a + b`. */
export function murmur3Utf8Pair(a: string, b: string): number {
  shared.reset();
  shared.update(a);
  shared.update(b);
  return shared.digest();
}

/** murmur3Utf8Pair(a, b), reusing (or refreshing) the hashed prefix `a` kept in `prefix`. */
export function murmur3Utf8PairCached(prefix: Murmur3Prefix, a: string, b: string): number {
  if (prefix.text === a) shared.load(prefix);
  else {
    shared.reset();
    shared.update(a);
    shared.save(prefix);
    prefix.text = a;
  }
  shared.update(b);
  return shared.digest();
}

/** Below this total, `hash × totalWeight` (< 2^32 × 2^21 = 2^53) is an exact double. */
const EXACT_PRODUCT_TOTAL = 2 ** 21;

/**
 * `floor(hash × totalWeight / 2^32)` computed exactly in doubles. Usual totals (100, 10000)
 * keep the product below 2^53, where one multiplication and a division by a power of two are
 * exact; larger ones (up to 2^31) can reach 2^63, so the product is split into 16-bit halves
 * whose partial products stay below 2^48.
 */
export function scaleToBucket(hash: number, totalWeight: number): number {
  if (totalWeight <= EXACT_PRODUCT_TOTAL) return Math.floor((hash * totalWeight) / 4294967296);
  const hi = hash >>> 16;
  const lo = hash & 0xffff;
  const a = hi * totalWeight; // < 2^47, exact
  const b = lo * totalWeight; // < 2^47, exact
  const aHigh = Math.floor(a / 65536);
  const aLow = a - aHigh * 65536;
  return aHigh + Math.floor((aLow * 65536 + b) / 4294967296);
}
