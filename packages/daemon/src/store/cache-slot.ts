// Encoding caches of a generation and of its views. The store does not know any wire format: each
// transport declares the slots it needs (the sync payload, encoded evaluation responses, ...) and
// the generation or view keeps their values for as long as it lives. A slot is a long-lived key,
// so the caches are plain maps; nothing is keyed by young objects (V8's minor GC keeps the values
// of young WeakMap keys alive: each publish would carry its encodings through an extra scavenge).

/** A named cache entry, built from its owner (a Generation or a FlagView) on first use. */
export interface CacheSlot<Owner, V> {
  readonly name: string;
  readonly build: (owner: Owner) => V;
}

export function cacheSlot<Owner, V>(name: string, build: (owner: Owner) => V): CacheSlot<Owner, V> {
  return Object.freeze({ name, build });
}

export class SlotCache<Owner> {
  private readonly values = new Map<CacheSlot<Owner, unknown>, unknown>();

  /** The slot's value, built on first use. */
  get<V>(owner: Owner, slot: CacheSlot<Owner, V>): V {
    const cached = this.values.get(slot);
    if (cached !== undefined || this.values.has(slot)) return cached as V;
    const value = slot.build(owner);
    this.values.set(slot, value);
    return value;
  }

  /** The slot's value if it was built, without building it. */
  peek<V>(slot: CacheSlot<Owner, V>): V | undefined {
    return this.values.get(slot) as V | undefined;
  }
}
