// A generated population of evaluation contexts for `diff --sample N`: reproducible (seeded
// PRNG), with a random UUID-like `targetingKey` (which drives `fractional` bucketing) and the
// attributes the rules read (`var`), sampled from the literals the rules compare them with, so
// every branch of a rule gets exercised.
import type { EvaluationContext, JsonValue } from '../engine-types.js';

/** mulberry32: small, fast, good enough for sampling, and identical on every platform. */
export function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hex(random: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += Math.floor(random() * 16).toString(16);
  return s;
}

export function uuidLike(random: () => number): string {
  return `${hex(random, 8)}-${hex(random, 4)}-4${hex(random, 3)}-${'89ab'[Math.floor(random() * 4)]}${hex(random, 3)}-${hex(random, 12)}`;
}

/** A value a generated attribute may take; functions build values around a literal. */
type Candidate = JsonValue | ((random: () => number) => JsonValue);

const LOGIC_OPS = new Set(['if', '?:', 'and', 'or', '!', '!!']);

const isMap = (v: unknown): v is { [k: string]: JsonValue } =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function varPath(node: JsonValue | undefined): string | undefined {
  if (!isMap(node) || Object.keys(node).length !== 1 || !('var' in node)) return undefined;
  const arg = node.var;
  const path = Array.isArray(arg) ? arg[0] : arg;
  return typeof path === 'string' && path !== '' ? path : undefined;
}

/** Attribute paths read by the rules, each with candidate values derived from nearby literals. */
export function collectAttributes(
  rules: readonly (JsonValue | undefined)[],
): Map<string, Candidate[]> {
  const attrs = new Map<string, Candidate[]>();
  const add = (path: string, ...values: Candidate[]) => {
    if (path === 'targetingKey' || path.startsWith('$flagd')) return;
    const list = attrs.get(path) ?? [];
    for (const v of values) if (typeof v === 'function' || !list.some((x) => x === v)) list.push(v);
    attrs.set(path, list);
  };
  const visit = (node: JsonValue | undefined): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (!isMap(node)) return;
    for (const [op, raw] of Object.entries(node)) {
      const own = op === 'var' ? varPath(node) : undefined;
      if (own !== undefined) add(own);
      const args: JsonValue[] = Array.isArray(raw) ? raw : [raw];
      const vars = args.map(varPath);
      const literals = args.filter((a): a is string | number | boolean =>
        ['string', 'number', 'boolean'].includes(typeof a),
      );
      vars.forEach((path, i) => {
        if (path === undefined) return;
        add(path);
        const other = args[1 - i];
        if (op === 'starts_with' && typeof args[1] === 'string')
          add(path, (r) => `${args[1]}${hex(r, 6)}`);
        else if (op === 'ends_with' && typeof args[1] === 'string')
          add(path, (r) => `${hex(r, 6)}${args[1]}`);
        else if (op === 'in' && i === 0 && Array.isArray(other))
          add(path, ...other.filter((x) => !isMap(x) && !Array.isArray(x)));
        else if (op === 'in' && i === 0 && typeof other === 'string') add(path, other);
        else if (op === 'in' && i === 1 && typeof args[0] === 'string')
          add(path, (r) => `${hex(r, 4)}${args[0]}${hex(r, 4)}`);
        else if (op === 'sem_ver' && typeof args[2] === 'string')
          add(path, args[2], '0.0.1', '99.0.0');
        else if (LOGIC_OPS.has(op)) add(path, true, false);
        else if (['<', '<=', '>', '>='].includes(op)) {
          for (const l of literals) if (typeof l === 'number') add(path, l - 1, l, l + 1);
        } else for (const l of literals) add(path, l);
      });
      visit(raw);
    }
  };
  rules.forEach(visit);
  return attrs;
}

function setPath(target: EvaluationContext, path: string, value: JsonValue): void {
  const parts = path.split('.');
  let cur: EvaluationContext = target;
  for (let i = 0; i < parts.length - 1; i++) {
    const key = parts[i] as string;
    const next = cur[key];
    if (isMap(next as JsonValue)) cur = next as EvaluationContext;
    else {
      const fresh: EvaluationContext = {};
      cur[key] = fresh;
      cur = fresh;
    }
  }
  cur[parts[parts.length - 1] as string] = value;
}

/** N contexts: a targetingKey each, and each attribute absent, random or one of its candidates. */
export function generatePopulation(
  size: number,
  seed: number,
  rules: readonly (JsonValue | undefined)[],
): EvaluationContext[] {
  const random = createRandom(seed);
  const attrs = [...collectAttributes(rules).entries()].sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  const out: EvaluationContext[] = [];
  for (let i = 0; i < size; i++) {
    const ctx: EvaluationContext = { targetingKey: uuidLike(random) };
    for (const [path, candidates] of attrs) {
      // One slot for "absent" and one for an unrelated value, so non-matching paths are covered.
      const pick = Math.floor(random() * (candidates.length + 2));
      if (pick === candidates.length) continue;
      const c =
        pick === candidates.length + 1
          ? `other-${hex(random, 4)}`
          : (candidates[pick] as Candidate);
      setPath(ctx, path, typeof c === 'function' ? c(random) : c);
    }
    out.push(ctx);
  }
  return out;
}
