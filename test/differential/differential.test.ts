// Differential test: thousands of seeded, generated flag configurations
// and contexts, evaluated by @switchyard/core and by @openfeature/flagd-core, must give the same
// value, variant, reason, error code (and flag metadata). The generator stays where the
// reference follows flagd; its exclusions are marked "EXCLUDED:" in generate.ts.
// Reproduce one case: DIFF_SEED=<seed> npx jest test/differential
import { isDeepStrictEqual } from 'node:util';
import {
  ConfigGenerator,
  type GeneratedConfig,
  generateContext,
  type Json,
  type ValueType,
} from './generate.js';
import { OurEngine } from './ours.js';
import { Rng } from './prng.js';
import { type Outcome, ReferenceEngine } from './reference.js';

const CONFIGS = Number(process.env.DIFF_CONFIGS ?? 1500);
const CONTEXTS_PER_CONFIG = 10;
const FIRST_SEED = Number(process.env.DIFF_SEED ?? 1);
const LAST_SEED = process.env.DIFF_SEED ? FIRST_SEED : FIRST_SEED + CONFIGS - 1;
const TYPES: readonly ValueType[] = ['boolean', 'string', 'number', 'object'];
const DEFAULTS: Record<ValueType, Json> = {
  boolean: false,
  string: 'code-default',
  number: -1,
  object: { code: 'default' },
};
const FIELDS = ['value', 'variant', 'reason', 'errorCode', 'flagMetadata'] as const;

interface Mismatch {
  readonly seed: number;
  readonly flagKey: string;
  readonly type: ValueType;
  readonly context: Record<string, Json>;
  readonly fields: readonly string[];
  readonly ours: Outcome | string;
  readonly reference: Outcome | string;
  readonly config: GeneratedConfig['document'];
}

function differingFields(a: Outcome, b: Outcome): string[] {
  return FIELDS.filter((f) => !isDeepStrictEqual(a[f], b[f]));
}

/** The config reduced to one flag (keeping $evaluators and set metadata), for the report. */
function minimalConfig(doc: GeneratedConfig['document'], key: string): GeneratedConfig['document'] {
  const flags = doc.flags as Record<string, Json>;
  return { ...doc, flags: { [key]: flags[key]! } };
}

function describeMismatch(m: Mismatch): string {
  const config = m.flagKey ? minimalConfig(m.config, m.flagKey) : m.config;
  return [
    `seed ${m.seed}: ${m.type} evaluation of "${m.flagKey}" differs in ${m.fields.join(', ')}`,
    `  config:    ${JSON.stringify(config)}`,
    `  context:   ${JSON.stringify(m.context)}`,
    `  ours:      ${JSON.stringify(m.ours)}`,
    `  reference: ${JSON.stringify(m.reference)}`,
  ].join('\n');
}

/** Groups mismatches by what differs, so one root cause is reported once. */
function signature(m: Mismatch): string {
  const pick = (o: Outcome | string): string =>
    typeof o === 'string' ? 'rejected' : `${o.reason}/${o.errorCode ?? '-'}`;
  return `${m.fields.join('+')}: ours ${pick(m.ours)} vs reference ${pick(m.reference)}`;
}

describe('differential: @switchyard/core vs @openfeature/flagd-core', () => {
  test(`seeds ${FIRST_SEED}..${LAST_SEED}, ${CONTEXTS_PER_CONFIG} contexts each`, () => {
    const mismatches: Mismatch[] = [];
    const outcomes = new Map<string, number>();
    let evaluations = 0;
    for (let seed = FIRST_SEED; seed <= LAST_SEED; seed++) {
      const rng = new Rng(seed);
      const config = new ConfigGenerator(rng).generate(seed);
      const contexts = Array.from({ length: CONTEXTS_PER_CONFIG }, () => generateContext(rng));
      const text = JSON.stringify(config.document);
      const reference = new ReferenceEngine();
      const ours = new OurEngine();
      const refError = reference.load(text);
      const ourError = ours.load(text);
      if (refError !== undefined || ourError !== undefined) {
        if ((refError === undefined) !== (ourError === undefined)) {
          mismatches.push({
            seed,
            flagKey: '',
            type: 'boolean',
            context: {},
            fields: ['load'],
            ours: ourError ?? 'accepted',
            reference: refError ?? 'accepted',
            config: config.document,
          });
        }
        continue;
      }
      const checks: { key: string; type: ValueType }[] = [];
      for (const flag of config.flags) {
        checks.push(flag);
        // Now and then ask for another type (TYPE_MISMATCH paths).
        if (rng.chance(0.15)) checks.push({ key: flag.key, type: rng.pick(TYPES) });
      }
      checks.push({ key: `missing-${seed}`, type: rng.pick(TYPES) });
      for (const { key, type } of checks) {
        for (const context of contexts) {
          const a = ours.evaluate(type, key, DEFAULTS[type], context);
          const b = reference.evaluate(type, key, DEFAULTS[type], context);
          evaluations++;
          const tally = `${b.reason}${b.errorCode ? `/${b.errorCode}` : ''}`;
          outcomes.set(tally, (outcomes.get(tally) ?? 0) + 1);
          const fields = differingFields(a, b);
          if (fields.length > 0) {
            mismatches.push({
              seed,
              flagKey: key,
              type,
              context,
              fields,
              ours: a,
              reference: b,
              config: config.document,
            });
          }
        }
      }
    }

    const tallies = [...outcomes.entries()].sort().map(([k, n]) => `${k} ${n}`);
    process.stdout.write(
      `[differential] ${LAST_SEED - FIRST_SEED + 1} configurations, ${evaluations} evaluations, ${mismatches.length} mismatches; reference outcomes: ${tallies.join(', ')}\n`,
    );
    if (mismatches.length > 0) {
      const groups = new Map<string, Mismatch[]>();
      for (const m of mismatches) {
        const key = signature(m);
        groups.set(key, [...(groups.get(key) ?? []), m]);
      }
      const report = [...groups.entries()].map(
        ([key, list]) => `${list.length} × ${key}\n${describeMismatch(list[0]!)}`,
      );
      throw new Error(
        `${mismatches.length} disagreements in ${groups.size} groups (first example of each):\n\n${report.join('\n\n')}`,
      );
    }
  }, 120_000);
});
