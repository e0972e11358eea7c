// Compares the flags of two generations per (flagSetId, key), as the store does, and summarises
// each added, changed and removed flag: state, default variant, variant names and whether it has
// targeting, plus which parts of a changed definition differ. No rule or value is copied.
// A flag is unchanged when its content hash (FlagDefinition.contentHash, computed once by core's
// parser) and source are: only changed flags are compared field by field.
import type { FlagDefinition, JsonValue } from '../engine.js';
import type { MergedFlag } from '../store/payload.js';
import type { ChangedField, FlagAudit, FlagSummary } from './types.js';

export interface FlagChangeAudit {
  readonly added: FlagAudit[];
  readonly changed: FlagAudit[];
  readonly removed: FlagAudit[];
}

const identity = (m: MergedFlag) => `${m.flag.flagSetId ?? ''}\u0000${m.flag.key}`;

export function summarise(flag: FlagDefinition): FlagSummary {
  return {
    state: flag.state,
    defaultVariant: flag.defaultVariant ?? null,
    variants: Object.keys(flag.variants),
    targeting: flag.targeting !== undefined,
  };
}

/** JSON with object keys sorted, so equal values compare equal whatever their key order. */
function canonical(value: JsonValue | undefined): string {
  if (value === undefined) return '';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
}

/**
 * Equal JSON values. Parsed documents usually keep their key order, so JSON.stringify settles
 * most comparisons; only values that print differently pay for the sorted form.
 */
function same(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b) || canonical(a) === canonical(b);
}

function changedFields(before: MergedFlag, after: MergedFlag): ChangedField[] {
  const a = before.flag;
  const b = after.flag;
  const fields: ChangedField[] = [];
  if (a.state !== b.state) fields.push('state');
  if (a.defaultVariant !== b.defaultVariant) fields.push('defaultVariant');
  if (!same(a.variants as JsonValue, b.variants as JsonValue)) fields.push('variants');
  if (!same(a.targeting, b.targeting)) fields.push('targeting');
  if (!same(a.metadata as JsonValue, b.metadata as JsonValue)) fields.push('metadata');
  if (before.sourceId !== after.sourceId) fields.push('source');
  if (a.error?.message !== b.error?.message) fields.push('error');
  return fields;
}

function base(m: MergedFlag): { key: string; flagSetId?: string; source: string } {
  return m.flag.flagSetId === undefined
    ? { key: m.flag.key, source: m.sourceId }
    : { key: m.flag.key, flagSetId: m.flag.flagSetId, source: m.sourceId };
}

export function compareFlags(
  before: readonly MergedFlag[],
  after: readonly MergedFlag[],
): FlagChangeAudit {
  const old = new Map(before.map((m) => [identity(m), m]));
  const result: FlagChangeAudit = { added: [], changed: [], removed: [] };
  for (const m of after) {
    const id = identity(m);
    const was = old.get(id);
    old.delete(id);
    if (!was) result.added.push({ ...base(m), after: summarise(m.flag) });
    else if (was.flag.contentHash !== m.flag.contentHash || was.sourceId !== m.sourceId) {
      result.changed.push({
        ...base(m),
        before: summarise(was.flag),
        after: summarise(m.flag),
        fields: changedFields(was, m),
      });
    }
  }
  for (const m of old.values()) result.removed.push({ ...base(m), before: summarise(m.flag) });
  return result;
}
