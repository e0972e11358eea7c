// What the remote transports cache on a view: flagd's selector reflection and encoded responses.
// Responses are cached only for snapshot-level results (frozen objects the snapshot hands to every
// evaluation that lands on them: STATIC, DEFAULT, a TARGETING_MATCH of a variant), so each map is
// bounded by the view's flags and variants and lives exactly as long as the view.
import type { FlagMetadata } from '../engine.js';
import { cacheSlot } from '../store/cache-slot.js';
import type { CacheSlot } from '../store/cache-slot.js';
import type { Selector } from '../store/selector.js';
import type { FlagView } from '../store/view.js';

/** A per-view map from a snapshot's frozen result (or metadata) object to its encoding. */
export function resultCache<V>(name: string): CacheSlot<FlagView, Map<object, V>> {
  return cacheSlot(name, () => new Map<object, V>());
}

/**
 * flagd's selector reflection (store.Selector.ToMetadata): `{flagSetId}` or `{source}` of the
 * caller's selector, `{}` without one; returned as bulk metadata and under each single
 * evaluation's flag metadata. The null set (`flagSetId=`) is not reflected: flagd would leak its
 * per-process random id for it (docs/adr/0016).
 */
export function reflectionOf(selector: Selector): FlagMetadata {
  if (selector.kind === 'flagSetId' && selector.flagSetId !== undefined)
    return Object.freeze({ flagSetId: selector.flagSetId });
  if (selector.kind === 'source' && selector.source !== '')
    return Object.freeze({ source: selector.source });
  return Object.freeze({});
}

const REFLECTION = cacheSlot<FlagView, FlagMetadata>('remote:reflection', (view) =>
  reflectionOf(view.selector),
);

export const reflection = (view: FlagView): FlagMetadata => view.cached(REFLECTION);
