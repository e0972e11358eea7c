// One selector's view of a generation: the flags that selector serves (one per key, later wins),
// the core evaluation snapshot of exactly those flags (built on first use), and the encodings
// the transports cached for it. Every transport answers from the same view, so the sync payload,
// remote evaluations and change events of a selector always agree.
import { createSnapshot } from '../engine.js';
import type { FlagDefinition, FlagSnapshot } from '../engine.js';
import { SlotCache } from './cache-slot.js';
import type { CacheSlot } from './cache-slot.js';
import type { Generation } from './generation.js';
import { lastWins } from './merge.js';
import type { MergedFlag } from './merge.js';
import type { Selector } from './selector.js';

/**
 * The latest snapshot built per selector, so a view builds its snapshot from its predecessor's
 * (compiled rules and built entries of unchanged flags are reused) even when generations were
 * published in between without anyone evaluating that selector. Bounded: selectors come from
 * callers.
 */
export class SnapshotMemory {
  private readonly latest = new Map<string, { generation: number; snapshot: FlagSnapshot }>();

  constructor(private readonly max = 1024) {}

  get(selectorKey: string): FlagSnapshot | undefined {
    return this.latest.get(selectorKey)?.snapshot;
  }

  remember(selectorKey: string, generation: number, snapshot: FlagSnapshot): void {
    const before = this.latest.get(selectorKey);
    if (before !== undefined && before.generation > generation) return;
    if (before === undefined && this.latest.size >= this.max) this.latest.clear();
    this.latest.set(selectorKey, { generation, snapshot });
  }
}

function selects(selector: Selector, m: MergedFlag): boolean {
  switch (selector.kind) {
    case 'all':
      return true;
    case 'flagSetId':
      return m.flag.flagSetId === selector.flagSetId;
    case 'source':
      return m.sourceId === selector.source;
    case 'any':
      return selector.members.some((member) => selects(member, m));
  }
}

function select(flags: readonly MergedFlag[], selector: Selector): readonly MergedFlag[] {
  return selector.kind === 'all' ? flags : flags.filter((m) => selects(selector, m));
}

const byKey = (m: MergedFlag) => m.flag.key;

export class FlagView {
  /** The flag behind each key: later definitions win, in the order of their last occurrence. */
  readonly flags: ReadonlyMap<string, MergedFlag>;
  private built: FlagSnapshot | undefined;
  private readonly caches = new SlotCache<FlagView>();

  constructor(
    readonly generation: Generation,
    readonly selector: Selector,
    private readonly snapshots: SnapshotMemory,
  ) {
    this.flags = lastWins(select(generation.flags, selector), byKey);
  }

  /** The core snapshot of exactly `flags`, built on the first evaluation. */
  get snapshot(): FlagSnapshot {
    if (this.built === undefined) {
      const definitions: FlagDefinition[] = [];
      for (const m of this.flags.values()) definitions.push(m.flag);
      const key = this.selector.key;
      this.built = createSnapshot(definitions, this.snapshots.get(key)).snapshot;
      this.snapshots.remember(key, this.generation.number, this.built);
    }
    return this.built;
  }

  /** This selector's view of the previous generation, if it was built and is still linked. */
  get previous(): FlagView | undefined {
    return this.generation.previous?.peekView(this.selector);
  }

  /** A transport's encoding for this view, built on first use. */
  cached<V>(slot: CacheSlot<FlagView, V>): V {
    return this.caches.get(this, slot);
  }

  /** The encoding if it was built. */
  peek<V>(slot: CacheSlot<FlagView, V>): V | undefined {
    return this.caches.peek(slot);
  }
}
