// One @switchyard/core snapshot per (published generation, selector), built lazily on first use
// and cached on the generation (a WeakMap keyed by the Generation object), so every remote call
// evaluates against exactly the flags the sync service publishes for that selector, and the
// in-process providers and the remote services give identical answers.
import { createSnapshot } from '@switchyard/core';
import type { FlagMetadata, FlagSnapshot } from '@switchyard/core';
import type { Generation } from '../store/generation-store.js';
import type { MergedFlag } from '../store/payload.js';
import { selectorKey } from '../store/selector.js';
import type { Selector } from '../store/selector.js';

/** What a remote call evaluates against: one selector's view of one generation. */
export interface EvaluationView {
  /** 0 before the first generation is published (an empty view). */
  readonly generation: number;
  readonly selector: Selector;
  readonly selectorKey: string;
  readonly snapshot: FlagSnapshot;
  /**
   * flagd's selector reflection (store.Selector.ToMetadata): `{flagSetId}` or `{source}` of the
   * caller's selector, `{}` without one. Returned as bulk metadata and under each single
   * evaluation's flag metadata.
   */
  readonly reflection: FlagMetadata;
  /** The flag behind each key (later definitions win, as in the snapshot and the sync payload). */
  readonly flags: ReadonlyMap<string, MergedFlag>;
  /** Per-view caches of encoded responses, keyed by the core's frozen result objects. */
  readonly caches: Map<string, WeakMap<object, unknown>>;
}

function select(flags: readonly MergedFlag[], selector: Selector): MergedFlag[] {
  switch (selector.kind) {
    case 'all':
      return [...flags];
    case 'flagSetId':
      return flags.filter((m) => m.flag.flagSetId === selector.flagSetId);
    case 'source':
      return flags.filter((m) => m.sourceId === selector.source);
  }
}

/**
 * flagd reflects a non-empty flagSetId or source. The null set (`flagSetId=`) is not reflected:
 * flagd would leak its per-process random id for it (docs/adr/0016).
 */
export function reflectionOf(selector: Selector): FlagMetadata {
  if (selector.kind === 'flagSetId' && selector.flagSetId !== undefined)
    return Object.freeze({ flagSetId: selector.flagSetId });
  if (selector.kind === 'source' && selector.source !== '')
    return Object.freeze({ source: selector.source });
  return Object.freeze({});
}

function buildView(
  number: number,
  flags: readonly MergedFlag[],
  selector: Selector,
  key: string,
  previous: EvaluationView | undefined,
): EvaluationView {
  const selected = select(flags, selector);
  const byKey = new Map<string, MergedFlag>();
  for (const m of selected) {
    byKey.delete(m.flag.key);
    byKey.set(m.flag.key, m);
  }
  // Reusing the previous snapshot of this selector keeps the compiled rules of unchanged flags.
  const { snapshot } = createSnapshot(
    [...byKey.values()].map((m) => m.flag),
    previous?.snapshot,
  );
  return {
    generation: number,
    selector,
    selectorKey: key,
    snapshot,
    reflection: reflectionOf(selector),
    flags: byKey,
    caches: new Map(),
  };
}

/** The view cache of one daemon: per generation (weakly) and the latest per selector. */
export class ViewCache {
  private readonly byGeneration = new WeakMap<Generation, Map<string, EvaluationView>>();
  private readonly latest = new Map<string, EvaluationView>();
  private readonly empty = new Map<string, EvaluationView>();
  /** Selectors come from callers: bound the per-selector maps so odd selectors cannot grow them. */
  constructor(private readonly maxSelectors = 1024) {}

  view(generation: Generation | undefined, selector: Selector): EvaluationView {
    const key = selectorKey(selector);
    if (generation === undefined) {
      let view = this.empty.get(key);
      if (view === undefined) {
        view = buildView(0, [], selector, key, undefined);
        if (this.empty.size >= this.maxSelectors) this.empty.clear();
        this.empty.set(key, view);
      }
      return view;
    }
    let views = this.byGeneration.get(generation);
    if (views === undefined) {
      views = new Map();
      this.byGeneration.set(generation, views);
    }
    let view = views.get(key);
    if (view === undefined) {
      const previous = this.latest.get(key);
      view = buildView(generation.number, generation.flags, selector, key, previous);
      views.set(key, view);
      if (previous === undefined || previous.generation < view.generation) {
        if (previous === undefined && this.latest.size >= this.maxSelectors) this.latest.clear();
        this.latest.set(key, view);
      }
    }
    return view;
  }
}

/** A per-view cache (e.g. encoded ResolveBoolean responses by result object). */
export function viewCache<V>(view: EvaluationView, name: string): WeakMap<object, V> {
  let cache = view.caches.get(name);
  if (cache === undefined) {
    cache = new WeakMap();
    view.caches.set(name, cache);
  }
  return cache as WeakMap<object, V>;
}
