// Static analysis for the `unreachable-variant` rule: which variant names can a targeting rule
// return? Conservative by design: any computed result (a `var`, `cat`, arithmetic, an unknown
// operator) makes the answer "anything", and then nothing is reported.
import type { JsonValue } from '../engine-types.js';

export type Outcomes = Set<string> | 'any';

const BOOLEAN_OPS = new Set([
  '==',
  '!=',
  '===',
  '!==',
  '<',
  '<=',
  '>',
  '>=',
  '!',
  '!!',
  'in',
  'starts_with',
  'ends_with',
  'sem_ver',
  'all',
  'some',
  'none',
]);

/** The variant name flagd derives from a returned literal (quotes stripped, trimmed). */
export function variantNameOf(value: string | number | boolean): string {
  return (typeof value === 'string' ? value : JSON.stringify(value)).replaceAll('"', '').trim();
}

function union(a: Outcomes, b: Outcomes): Outcomes {
  if (a === 'any' || b === 'any') return 'any';
  for (const x of b) a.add(x);
  return a;
}

/** Names the rule can return (null results are left out: they fall back to the default). */
export function outcomes(rule: JsonValue | undefined): Outcomes {
  if (rule === undefined || rule === null) return new Set();
  if (typeof rule === 'string' || typeof rule === 'number' || typeof rule === 'boolean') {
    return new Set([variantNameOf(rule)]);
  }
  if (Array.isArray(rule)) return 'any';
  const keys = Object.keys(rule);
  if (keys.length !== 1) return 'any';
  const op = keys[0] as string;
  const raw = rule[op] as JsonValue;
  const args: JsonValue[] = Array.isArray(raw) ? raw : [raw];
  if (BOOLEAN_OPS.has(op)) return new Set(['true', 'false']);
  if (op === 'if' || op === '?:') {
    // Branches are the odd positions and the trailing else; conditions are never returned.
    let out: Outcomes = new Set();
    for (let i = 1; i < args.length; i += 2) out = union(out, outcomes(args[i]));
    if (args.length % 2 === 1) out = union(out, outcomes(args[args.length - 1]));
    return out;
  }
  if (op === 'and' || op === 'or') {
    let out: Outcomes = new Set();
    for (const a of args) out = union(out, outcomes(a));
    return out;
  }
  if (op === 'fractional') {
    const out = new Set<string>();
    for (const d of args) {
      if (!Array.isArray(d)) continue; // the bucketing value, not a distribution
      const [variant, weight] = d;
      if (weight === 0) continue; // a zero-weight bucket never wins
      if (variant === null || variant === undefined) continue;
      if (typeof variant === 'object') return 'any';
      out.add(variantNameOf(variant));
    }
    return out;
  }
  return 'any';
}

/** Variants of a flag that neither the default nor the targeting can produce. */
export function unreachableVariants(
  variants: readonly string[],
  defaultVariant: string | undefined,
  targeting: JsonValue | undefined,
): string[] {
  const reach = outcomes(targeting);
  if (reach === 'any') return [];
  if (defaultVariant !== undefined) reach.add(defaultVariant);
  return variants.filter((v) => !reach.has(v));
}
