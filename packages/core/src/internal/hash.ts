// Content hashing for change detection: the value is walked in canonical order (object keys
// sorted) and fed straight into two independent 32-bit lanes (64 bits, non-cryptographic),
// without building the canonical JSON string. Formatting and key order never change the hash;
// any change of content does, with overwhelming odds. Callers bound the depth before hashing
// (rules by Limits, values by parse).
//
// Speed matters here: parseFlags hashes every flag of a configuration (10,000 flags on a big
// load), so strings are fed two UTF-16 code units per 32-bit word, numbers as their float64 bits
// (no String(n)), and the walk can freeze what it visits (parse freezes what it hashes: one walk
// instead of two).
import type { JsonValue } from '../types.js';

const FLOAT = new Float64Array(1);
const WORDS = new Uint32Array(FLOAT.buffer);

class Hasher {
  h1 = 0xdeadbeef | 0;
  h2 = 0x41c6ce57 | 0;

  constructor(private readonly freeze: boolean) {}

  /**
   * One 32-bit word into both lanes: lane 1 is MurmurHash3's block step, lane 2 an xxHash32
   * round. Both rotate, so high input bits reach low state bits (a plain multiply would not).
   */
  word(w: number): void {
    let k = Math.imul(w, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    let h1 = this.h1 ^ Math.imul(k, 0x1b873593);
    h1 = (h1 << 13) | (h1 >>> 19);
    this.h1 = (Math.imul(h1, 5) + 0xe6546b64) | 0;
    let h2 = (this.h2 + Math.imul(w, 0x85ebca77)) | 0;
    h2 = (h2 << 13) | (h2 >>> 19);
    this.h2 = Math.imul(h2, 0x9e3779b1);
  }

  text(s: string): void {
    const n = s.length;
    // The length goes first, so the encoding is prefix-free: "ab","c" and "a","bc" differ.
    this.word(n);
    let i = 0;
    for (; i + 1 < n; i += 2) this.word(s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16));
    if (i < n) this.word(s.charCodeAt(i));
  }

  value(v: JsonValue | undefined): void {
    if (v === undefined) {
      this.word(1);
    } else if (v === null) {
      this.word(2);
    } else if (typeof v === 'boolean') {
      this.word(v ? 3 : 4);
    } else if (typeof v === 'number') {
      // -0 and 0 print alike in JSON, so they hash alike.
      FLOAT[0] = v === 0 ? 0 : v;
      this.word(5);
      this.word(WORDS[0] as number);
      this.word(WORDS[1] as number);
    } else if (typeof v === 'string') {
      this.word(6);
      this.text(v);
    } else if (Array.isArray(v)) {
      this.word(7);
      for (let i = 0; i < v.length; i++) this.value(v[i]);
      this.word(8);
      if (this.freeze) Object.freeze(v);
    } else {
      const keys = Object.keys(v);
      if (!isSorted(keys)) keys.sort();
      this.word(9);
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i] as string;
        this.text(key);
        this.value(v[key]);
      }
      this.word(10);
      if (this.freeze) Object.freeze(v);
    }
  }

  digest(): string {
    let h1 = this.h1;
    let h2 = this.h2;
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    // 16 hex digits as one flat string (no toString(16)/padStart/concatenation per flag).
    return String.fromCharCode(
      hex(h1 >>> 28),
      hex(h1 >>> 24),
      hex(h1 >>> 20),
      hex(h1 >>> 16),
      hex(h1 >>> 12),
      hex(h1 >>> 8),
      hex(h1 >>> 4),
      hex(h1),
      hex(h2 >>> 28),
      hex(h2 >>> 24),
      hex(h2 >>> 20),
      hex(h2 >>> 16),
      hex(h2 >>> 12),
      hex(h2 >>> 8),
      hex(h2 >>> 4),
      hex(h2),
    );
  }
}

/** Char code of the lowest hex digit of `n`: 0-9 → '0'-'9', 10-15 → 'a'-'f'. */
function hex(n: number): number {
  const d = n & 15;
  return d < 10 ? 48 + d : 87 + d;
}

function isSorted(keys: string[]): boolean {
  for (let i = 1; i < keys.length; i++)
    if ((keys[i - 1] as string) > (keys[i] as string)) return false;
  return true;
}

/** 64-bit content hash (16 hex digits) of a sequence of JSON values. */
export function contentHash(values: readonly (JsonValue | undefined)[]): string {
  const h = new Hasher(false);
  for (const v of values) h.value(v);
  return h.digest();
}

/**
 * contentHash that also deep-freezes every array and object it walks (values parseFlags owns:
 * parsed or copied). Same result as contentHash.
 */
export function contentHashFreezing(values: readonly (JsonValue | undefined)[]): string {
  const h = new Hasher(true);
  for (const v of values) h.value(v);
  return h.digest();
}
