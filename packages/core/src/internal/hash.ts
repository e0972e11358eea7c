// Content hashing for change detection: the value is walked in canonical order (object keys
// sorted) and fed straight into two independent 32-bit multiply-xorshift lanes (64 bits,
// non-cryptographic), without building the canonical JSON string. Formatting and key order
// never change the hash; any change of content does, with overwhelming odds. Callers bound the
// depth before hashing (rules by Limits, values by parse).
import type { JsonValue } from '../types.js';

class Hasher {
  h1 = 0xdeadbeef | 0;
  h2 = 0x41c6ce57 | 0;

  code(c: number): void {
    this.h1 = Math.imul(this.h1 ^ c, 2654435761);
    this.h2 = Math.imul(this.h2 ^ c, 1597334677);
  }

  text(s: string): void {
    for (let i = 0; i < s.length; i++) this.code(s.charCodeAt(i));
    // The length closes the string, so "ab","c" and "a","bc" differ.
    this.code(0xffff);
    this.code(s.length);
  }

  value(v: JsonValue | undefined): void {
    if (v === undefined) {
      this.code(1);
    } else if (v === null) {
      this.code(2);
    } else if (typeof v === 'boolean') {
      this.code(v ? 3 : 4);
    } else if (typeof v === 'number') {
      this.code(5);
      this.text(String(v));
    } else if (typeof v === 'string') {
      this.code(6);
      this.text(v);
    } else if (Array.isArray(v)) {
      this.code(7);
      for (const item of v) this.value(item);
      this.code(8);
    } else {
      const keys = Object.keys(v);
      if (!isSorted(keys)) keys.sort();
      this.code(9);
      for (const key of keys) {
        this.text(key);
        this.value(v[key]);
      }
      this.code(10);
    }
  }

  digest(): string {
    let h1 = this.h1;
    let h2 = this.h2;
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
  }
}

function isSorted(keys: string[]): boolean {
  for (let i = 1; i < keys.length; i++)
    if ((keys[i - 1] as string) > (keys[i] as string)) return false;
  return true;
}

/** 64-bit content hash (16 hex digits) of a sequence of JSON values. */
export function contentHash(values: readonly (JsonValue | undefined)[]): string {
  const h = new Hasher();
  for (const v of values) h.value(v);
  return h.digest();
}
