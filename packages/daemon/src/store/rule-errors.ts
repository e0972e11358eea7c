// Flags served with an isolated rule error: the source accepted the file, but one flag's
// targeting cannot be compiled (an unknown operator, a dangling `$ref`, a rule over the limits).
// The flag is served as written, as flagd serves it, and evaluating it gives PARSE_ERROR
// (docs/adr/0002). Counted per generation, once, for metrics, logs and /readyz.
import { cacheSlot } from './cache-slot.js';
import type { Generation } from './generation.js';
import { flagIdentity, sameFlag } from './merge.js';
import type { MergedFlag } from './merge.js';

const RULE_ERRORS = cacheSlot<Generation, ReadonlyMap<string, readonly MergedFlag[]>>(
  'store:rule-errors',
  (generation) => {
    const bySource = new Map<string, MergedFlag[]>();
    for (const m of generation.flags) {
      if (m.flag.error === undefined) continue;
      const flags = bySource.get(m.sourceId);
      if (flags === undefined) bySource.set(m.sourceId, [m]);
      else flags.push(m);
    }
    return bySource;
  },
);

/** The generation's flags that carry a rule error, by source. */
export function ruleErrorsOf(generation: Generation): ReadonlyMap<string, readonly MergedFlag[]> {
  return generation.cached(RULE_ERRORS);
}

/**
 * The flags with a rule error that `generation` serves and its predecessor did not (added, or
 * changed). Call it while the generation is current (its predecessor is still linked).
 */
export function newRuleErrors(generation: Generation): MergedFlag[] {
  const before = new Map<string, MergedFlag>();
  const previous = generation.previous;
  if (previous !== undefined) {
    for (const flags of ruleErrorsOf(previous).values()) {
      for (const m of flags) before.set(flagIdentity(m), m);
    }
  }
  const out: MergedFlag[] = [];
  for (const flags of ruleErrorsOf(generation).values()) {
    for (const m of flags) {
      const was = before.get(flagIdentity(m));
      if (was === undefined || !sameFlag(was, m)) out.push(m);
    }
  }
  return out;
}
