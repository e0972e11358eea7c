// What `switchyard diff` computes: per-flag structural changes between two loaded sides, and
// the impact of each change over a population of contexts (share changed + from→to matrix).
import { engine } from '../engine.js';
import type { AnyResult, EvaluationContext, FlagDefinition, JsonValue } from '../engine-types.js';
import { flagLabel } from '../flags/flag-id.js';
import type { LoadedFlags } from '../flags/flag-sets.js';
import { sameJson } from '../flags/same-json.js';

export interface FieldChange {
  readonly field: 'state' | 'variants' | 'defaultVariant' | 'targeting' | 'metadata';
  readonly before: unknown;
  readonly after: unknown;
  /** For variants and metadata: the keys added, removed and changed. */
  readonly added?: readonly string[];
  readonly removed?: readonly string[];
  readonly changed?: readonly string[];
}

export interface Transition {
  readonly from: string;
  readonly to: string;
  readonly count: number;
}

export interface Impact {
  readonly total: number;
  readonly changed: number;
  /** changed / total, 0 when there are no contexts. */
  readonly share: number;
  /** Contexts that keep their variant but get a different value (the variant's value changed). */
  readonly valueChanged: number;
  /** Every (from, to) pair seen, including unchanged ones (from === to); most frequent first. */
  readonly matrix: readonly Transition[];
}

export interface FlagDiff {
  readonly key: string;
  readonly flagSetId?: string;
  readonly label: string;
  readonly kind: 'added' | 'removed' | 'changed';
  readonly changes: readonly FieldChange[];
  readonly impact?: Impact;
}

/** The contexts a change is measured on. */
export interface ImpactInput {
  readonly contexts: readonly EvaluationContext[];
  /** The clock `$flagd.timestamp` reads. */
  readonly now: () => number;
}

function keyChanges(
  before: Readonly<Record<string, JsonValue>>,
  after: Readonly<Record<string, JsonValue>>,
) {
  const added = Object.keys(after).filter((k) => !Object.hasOwn(before, k));
  const removed = Object.keys(before).filter((k) => !Object.hasOwn(after, k));
  const changed = Object.keys(after).filter(
    (k) => Object.hasOwn(before, k) && !sameJson(before[k], after[k]),
  );
  return { added, removed, changed };
}

export function fieldChanges(a: FlagDefinition, b: FlagDefinition): FieldChange[] {
  const out: FieldChange[] = [];
  if (a.state !== b.state) out.push({ field: 'state', before: a.state, after: b.state });
  const v = keyChanges(a.variants, b.variants);
  if (v.added.length + v.removed.length + v.changed.length > 0) {
    out.push({ field: 'variants', before: a.variants, after: b.variants, ...v });
  }
  if (a.defaultVariant !== b.defaultVariant) {
    out.push({
      field: 'defaultVariant',
      before: a.defaultVariant ?? null,
      after: b.defaultVariant ?? null,
    });
  }
  if (!sameJson(a.targeting ?? null, b.targeting ?? null)) {
    out.push({ field: 'targeting', before: a.targeting ?? null, after: b.targeting ?? null });
  }
  const m = keyChanges(a.metadata, b.metadata);
  if (m.added.length + m.removed.length + m.changed.length > 0) {
    out.push({ field: 'metadata', before: a.metadata, after: b.metadata, ...m });
  }
  return out;
}

/** What a caller sees: the variant, else the reason (code default, disabled, error). */
export function outcomeLabel(r: AnyResult): string {
  if (r.reason === 'ERROR') return `(error ${r.errorCode ?? 'GENERAL'})`;
  if (r.reason === 'DISABLED') return '(disabled)';
  if (r.variant !== undefined) return r.variant;
  return '(code default)';
}

/** Evaluates every context against the flag before and after a change and counts the moves. */
export function measureImpact(
  before: FlagDefinition,
  after: FlagDefinition,
  { contexts, now }: ImpactInput,
): Impact {
  const old = engine.createSnapshot([before]).snapshot;
  const next = engine.createSnapshot([after]).snapshot;
  const counts = new Map<string, { from: string; to: string; count: number }>();
  let changed = 0;
  let valueChanged = 0;
  for (const ctx of contexts) {
    const a = engine.evaluateAny(old, { flagKey: before.key, context: ctx }, { now });
    const b = engine.evaluateAny(next, { flagKey: after.key, context: ctx }, { now });
    const from = outcomeLabel(a);
    const to = outcomeLabel(b);
    if (from !== to) changed++;
    else if (!sameJson(a.value ?? null, b.value ?? null)) valueChanged++;
    const id = `${from}\u0000${to}`;
    const cell = counts.get(id);
    if (cell === undefined) counts.set(id, { from, to, count: 1 });
    else cell.count++;
  }
  const matrix = [...counts.values()].sort(
    (x, y) => y.count - x.count || (x.from + x.to < y.from + y.to ? -1 : 1),
  );
  return {
    total: contexts.length,
    changed,
    share: contexts.length === 0 ? 0 : changed / contexts.length,
    valueChanged,
    matrix,
  };
}

/** Added, removed and changed flags (by flag set and key), changed ones with their impact. */
export function diffFlags(
  oldSide: LoadedFlags,
  newSide: LoadedFlags,
  impact: ImpactInput,
): FlagDiff[] {
  const out: FlagDiff[] = [];
  const base = (f: FlagDefinition) => ({
    key: f.key,
    label: flagLabel(f),
    ...(f.flagSetId === undefined ? {} : { flagSetId: f.flagSetId }),
  });
  for (const [id, before] of oldSide.flags) {
    const after = newSide.flags.get(id);
    if (after === undefined) {
      out.push({ ...base(before), kind: 'removed', changes: [] });
      continue;
    }
    const changes = fieldChanges(before, after);
    if (changes.length === 0) continue;
    // Metadata alone never changes an evaluation's variant; skip the work.
    const evaluated = changes.some((c) => c.field !== 'metadata');
    out.push({
      ...base(after),
      kind: 'changed',
      changes,
      ...(evaluated ? { impact: measureImpact(before, after, impact) } : {}),
    });
  }
  for (const [id, after] of newSide.flags) {
    if (!oldSide.flags.has(id)) out.push({ ...base(after), kind: 'added', changes: [] });
  }
  return out;
}

/** The rules of every changed flag, both sides (the population samples their attributes). */
export function rulesOf(oldSide: LoadedFlags, newSide: LoadedFlags): (JsonValue | undefined)[] {
  return [...oldSide.flags.values(), ...newSide.flags.values()].map((f) => f.targeting);
}
