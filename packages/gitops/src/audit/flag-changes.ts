// Compares the flags of two generations per (flagSetId, key), as the store does, and summarises
// each added, changed and removed flag: state, default variant, variant names and whether it has
// targeting, plus which parts of a changed definition differ. No rule or value is copied.
// A flag is unchanged when its content hash (FlagDefinition.contentHash, computed once by core's
// parser) and source are: only changed flags are compared field by field.
import type { FlagDefinition, JsonValue } from '@switchyard/core';
import { flagId } from '../flags/flag-id.js';
import { sameJson } from '../flags/same-json.js';
import { incidentIn } from '../set/incident.js';
import type { ChangedField, FlagAudit, FlagSummary, ServedFlag } from './types.js';

export interface FlagChangeAudit {
  readonly added: FlagAudit[];
  readonly changed: FlagAudit[];
  readonly removed: FlagAudit[];
}

export function summarise(flag: FlagDefinition): FlagSummary {
  const summary: FlagSummary = {
    state: flag.state,
    defaultVariant: flag.defaultVariant ?? null,
    variants: Object.keys(flag.variants),
    targeting: flag.targeting !== undefined,
  };
  const incident = incidentIn(flag.metadata);
  return incident === undefined ? summary : { ...summary, incident };
}

function changedFields(before: ServedFlag, after: ServedFlag): ChangedField[] {
  const a = before.flag;
  const b = after.flag;
  const fields: ChangedField[] = [];
  if (a.state !== b.state) fields.push('state');
  if (a.defaultVariant !== b.defaultVariant) fields.push('defaultVariant');
  if (!sameJson(a.variants as JsonValue, b.variants as JsonValue)) fields.push('variants');
  if (!sameJson(a.targeting, b.targeting)) fields.push('targeting');
  if (!sameJson(a.metadata as JsonValue, b.metadata as JsonValue)) fields.push('metadata');
  if (before.sourceId !== after.sourceId) fields.push('source');
  if (a.error?.message !== b.error?.message) fields.push('error');
  return fields;
}

type MutableAudit = { -readonly [K in keyof FlagAudit]: FlagAudit[K] };

/**
 * The start of a flag's audit record; the callers add `before`, `after` and `fields` in that
 * order (the JSON line's key order). Properties are set one by one, not `{ ...base, before }`:
 * spreading is V8's slow generic copy, and it was most of the 0.6 ms a 100-flag comparison took.
 */
function record(m: ServedFlag): MutableAudit {
  return m.flag.flagSetId === undefined
    ? { key: m.flag.key, source: m.sourceId }
    : { key: m.flag.key, flagSetId: m.flag.flagSetId, source: m.sourceId };
}

export function compareFlags(
  before: readonly ServedFlag[],
  after: readonly ServedFlag[],
): FlagChangeAudit {
  const old = new Map<string, ServedFlag>();
  for (const m of before) old.set(flagId(m.flag), m);
  const result: FlagChangeAudit = { added: [], changed: [], removed: [] };
  for (const m of after) {
    const id = flagId(m.flag);
    const was = old.get(id);
    old.delete(id);
    if (!was) {
      const audit = record(m);
      audit.after = summarise(m.flag);
      result.added.push(audit);
    } else if (was.flag.contentHash !== m.flag.contentHash || was.sourceId !== m.sourceId) {
      const audit = record(m);
      audit.before = summarise(was.flag);
      audit.after = summarise(m.flag);
      audit.fields = changedFields(was, m);
      result.changed.push(audit);
    }
  }
  for (const m of old.values()) {
    const audit = record(m);
    audit.before = summarise(m.flag);
    result.removed.push(audit);
  }
  return result;
}
