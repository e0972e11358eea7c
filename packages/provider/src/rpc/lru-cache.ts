// A least-recently-used map with a fixed capacity (RPC mode's cache of STATIC results): a Map
// keeps insertion order, so a hit moves its key to the end and the first key is the oldest.

export class LruCache<V> {
  private readonly entries = new Map<string, V>();

  /** `capacity` ≤ 0 keeps nothing. */
  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    if (this.capacity <= 0) return;
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
  }

  clear(): void {
    this.entries.clear();
  }
}
