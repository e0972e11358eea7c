// A generation: the merged flags of every source at one publish, immutable, with its views (one
// per selector, built on first use) and the encodings transports cache on it. A generation links
// to its predecessor only until the next one is published (the store calls forgetPrevious()), so
// the store never holds more than the current generation and the one before it: a daemon that
// publishes for weeks does not grow.
import { performance } from 'node:perf_hooks';
import { SlotCache } from './cache-slot.js';
import type { CacheSlot } from './cache-slot.js';
import type { FlagChangeSet, MergedFlag } from './merge.js';
import type { Selector } from './selector.js';
import { FlagView } from './view.js';
import type { SnapshotMemory } from './view.js';

/** Views kept per generation; selectors come from callers, so views past this are not kept. */
const MAX_VIEWS = 1024;

export interface GenerationInit {
  /** 0 for the empty generation served before the first publish. */
  readonly number: number;
  readonly flags: readonly MergedFlag[];
  readonly changes: FlagChangeSet;
  /** Sources whose update produced this generation (every source serving flags for the first). */
  readonly sources: readonly string[];
  /** performance.now() of the file event behind it, when there was one. */
  readonly eventAt: number | undefined;
  readonly previous: Generation | undefined;
  readonly snapshots: SnapshotMemory;
}

export class Generation {
  readonly number: number;
  readonly flags: readonly MergedFlag[];
  readonly changes: FlagChangeSet;
  readonly sources: readonly string[];
  readonly eventAt: number | undefined;
  readonly publishedAt: number;
  private linked: Generation | undefined;
  private readonly views = new Map<string, FlagView>();
  private readonly caches = new SlotCache<Generation>();
  private readonly snapshots: SnapshotMemory;

  constructor(init: GenerationInit) {
    this.number = init.number;
    this.flags = init.flags;
    this.changes = init.changes;
    this.sources = init.sources;
    this.eventAt = init.eventAt;
    this.linked = init.previous;
    this.snapshots = init.snapshots;
    this.publishedAt = performance.now();
  }

  /** The generation before this one, until the next one is published. */
  get previous(): Generation | undefined {
    return this.linked;
  }

  /** The selector's view of this generation (one object per selector, built on first use). */
  view(selector: Selector): FlagView {
    let view = this.views.get(selector.key);
    if (view === undefined) {
      view = new FlagView(this, selector, this.snapshots);
      if (this.views.size < MAX_VIEWS) this.views.set(selector.key, view);
    }
    return view;
  }

  /** The selector's view if it was built. */
  peekView(selector: Selector): FlagView | undefined {
    return this.views.get(selector.key);
  }

  /** A transport's encoding shared by all views of this generation, built on first use. */
  cached<V>(slot: CacheSlot<Generation, V>): V {
    return this.caches.get(this, slot);
  }

  peek<V>(slot: CacheSlot<Generation, V>): V | undefined {
    return this.caches.peek(slot);
  }

  /** Called by the store when the next generation is published: drops the link back. */
  forgetPrevious(): void {
    this.linked = undefined;
  }
}
