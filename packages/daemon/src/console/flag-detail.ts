// The flag page's data beyond its catalog row: variant values, the rule, each `fractional` split
// of the rule (for the bar), usage counts, and the recent audit entries that added, changed or
// removed the flag.
import type { AuditEntry, FlagUsage } from '@switchyard/gitops';
import type { FlagDefinition, JsonValue } from '../engine.js';
import type { ApiSplit, CatalogFlag, FlagDetail, Json } from './api-types.js';

const MAX_SPLITS = 16;

/** Every `fractional` in a rule: its path, bucketing expression and weighted variants. */
export function splitsOf(rule: JsonValue | undefined): ApiSplit[] {
  const splits: ApiSplit[] = [];
  const walk = (node: JsonValue | undefined, path: string, depth: number) => {
    if (splits.length >= MAX_SPLITS || depth > 64 || node === null || typeof node !== 'object')
      return;
    if (Array.isArray(node)) {
      for (const [i, item] of node.entries()) walk(item, `${path}[${i}]`, depth + 1);
      return;
    }
    for (const [op, args] of Object.entries(node)) {
      const here = `${path}.${op}`;
      if (op === 'fractional' && Array.isArray(args)) {
        const [first, ...rest] = args;
        const explicit = !Array.isArray(first);
        const buckets = (explicit ? rest : args).flatMap((b) =>
          Array.isArray(b) && typeof b[0] !== 'object'
            ? [{ variant: String(b[0]), weight: typeof b[1] === 'number' ? b[1] : 1 }]
            : [],
        );
        splits.push({ path, ...(explicit ? { bucketBy: first as Json } : {}), buckets });
      }
      walk(args, here, depth + 1);
    }
  };
  walk(rule, 'targeting', 0);
  return splits;
}

function auditOf(entries: readonly AuditEntry[], flag: FlagDefinition): FlagDetail['audit'] {
  const out: FlagDetail['audit'][number][] = [];
  const mine = (f: { key: string; flagSetId?: string }) =>
    f.key === flag.key && f.flagSetId === flag.flagSetId;
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i] as AuditEntry;
    for (const kind of ['added', 'changed', 'removed'] as const) {
      const change = e[kind].find(mine);
      if (change) out.push({ generation: e.generation, time: e.time, kind, change, git: e.git });
    }
  }
  return out;
}

export function flagDetail(input: {
  readonly row: CatalogFlag;
  readonly flag: FlagDefinition;
  readonly generation: number;
  readonly usage: FlagUsage | undefined;
  readonly audit: readonly AuditEntry[];
}): FlagDetail {
  const { row, flag } = input;
  return {
    ...row,
    generation: input.generation,
    variantValues: Object.entries(flag.variants).map(([name, value]) => ({ name, value })),
    ...(flag.targeting === undefined ? {} : { rule: flag.targeting }),
    metadata: flag.metadata,
    splits: splitsOf(flag.targeting),
    ...(input.usage === undefined ? {} : { usage: input.usage }),
    audit: auditOf(input.audit, flag),
  };
}
