// "Later source wins", flagd's store priority (open-feature/flagd: core/pkg/store/store.go): the
// one merge rule of the daemon. A generation merges its sources per (flagSetId, key); a view of
// one selector keeps one flag per key, the last one (a key in several sets appears once in a
// payload, as flagd's does). Both are `lastWins`; everything a transport serves (payloads,
// evaluation snapshots, change events) is built from these results, never merged again.
import type { FlagConfiguration, FlagDefinition } from '../engine.js';

/** A flag in a generation, with the source it came from. */
export interface MergedFlag {
  readonly flag: FlagDefinition;
  readonly sourceId: string;
}

/** Added, changed and removed flag keys between two generations. */
export interface FlagChangeSet {
  readonly added: readonly string[];
  readonly changed: readonly string[];
  readonly removed: readonly string[];
}

/** The identity of a flag across sources: its set and key. */
export const flagIdentity = (m: MergedFlag): string =>
  `${m.flag.flagSetId ?? ''}\u0000${m.flag.key}`;

/**
 * One entry per identity, the last one given; in the order of each identity's last occurrence
 * (a redefined flag moves to where its winning definition is).
 */
export function lastWins<K>(
  flags: readonly MergedFlag[],
  identity: (m: MergedFlag) => K,
): Map<K, MergedFlag> {
  const merged = new Map<K, MergedFlag>();
  for (const m of flags) {
    const id = identity(m);
    merged.delete(id);
    merged.set(id, m);
  }
  return merged;
}

/** The flags of every source in merge order (later wins per set and key). */
export function mergeSources(
  sources: Iterable<readonly [sourceId: string, configuration: FlagConfiguration | undefined]>,
): MergedFlag[] {
  const all: MergedFlag[] = [];
  for (const [sourceId, configuration] of sources) {
    if (configuration === undefined) continue;
    for (const flag of configuration.flags) all.push({ flag, sourceId });
  }
  return [...lastWins(all, flagIdentity).values()];
}

/** A flag whose content or origin differs counts as changed. */
export const sameFlag = (a: MergedFlag, b: MergedFlag): boolean =>
  a.flag.contentHash === b.flag.contentHash && a.sourceId === b.sourceId;

export function diffFlags(
  before: readonly MergedFlag[],
  after: readonly MergedFlag[],
): FlagChangeSet {
  const old = new Map(before.map((m) => [flagIdentity(m), m]));
  const added = new Set<string>();
  const changed = new Set<string>();
  const removed = new Set<string>();
  for (const m of after) {
    const id = flagIdentity(m);
    const was = old.get(id);
    old.delete(id);
    if (!was) added.add(m.flag.key);
    else if (!sameFlag(was, m)) changed.add(m.flag.key);
  }
  for (const m of old.values()) removed.add(m.flag.key);
  return { added: [...added], changed: [...changed], removed: [...removed] };
}
