// Seeded fixtures for the core benchmark: the same flags and contexts on every run.

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** mulberry32: deterministic, so every run measures the same inputs. */
export function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TIERS = ['free', 'pro', 'enterprise'];
const COUNTRIES = ['us', 'de', 'fr', 'jp', 'br'];
const VERSIONS = ['1.0.0', '2.0.0', '2.1.0', '2.1.5', '3.0.0-beta', 'v2.2.0'];

export type BenchContext = Record<string, string | number | boolean | string[]>;

const GROUPS = ['beta', 'staff', 'eu', 'us', 'partners', 'qa', 'ops', 'design'];

/** `n` contexts with targetingKey, email, tier, country, version, age. */
export function contexts(n: number, seed = 1): BenchContext[] {
  const next = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  return Array.from({ length: n }, (_, i) => ({
    targetingKey: `user-${i}-${Math.floor(next() * 1e6)}`,
    email: `user${i}@${pick(['example.com', 'acme.org'])}`,
    tier: pick(TIERS),
    country: pick(COUNTRIES),
    version: pick(VERSIONS),
    age: Math.floor(next() * 80),
    groups: GROUPS.filter(() => next() < 0.3),
  }));
}

/** The benchmarked rules: static, if/and/==/in, fractional, sem_ver, an iteration. */
export const RULES: Record<string, Json> = {
  targeting: {
    if: [
      {
        and: [{ '==': [{ var: 'tier' }, 'pro'] }, { in: [{ var: 'country' }, ['us', 'de', 'fr']] }],
      },
      'on',
      'off',
    ],
  },
  fractional: {
    fractional: [{ cat: [{ var: '$flagd.flagKey' }, { var: 'email' }] }, ['on', 25], ['off', 75]],
  },
  semver: { if: [{ sem_ver: [{ var: 'version' }, '>=', '2.1.0'] }, 'on', 'off'] },
  // The evaluation budget charges iterations: one step per group per body node.
  iteration: {
    if: [{ some: [{ var: 'groups' }, { in: [{ var: '' }, ['beta', 'staff']] }] }, 'on', 'off'],
  },
};

/** Rules that exhaust an engine without an evaluation budget (never given to the reference). */
export const HOSTILE: Record<string, { rule: Json; context: BenchContext }> = {
  'reduce doubling (30 items)': {
    rule: {
      if: [
        {
          reduce: [
            Array.from({ length: 30 }, (_, i) => i),
            { merge: [{ var: 'accumulator' }, { var: 'accumulator' }] },
            [1],
          ],
        },
        'on',
        'off',
      ],
    },
    context: {},
  },
  'cat of 5,000 × 100 KB': {
    rule: { if: [{ cat: Array.from({ length: 5000 }, () => ({ var: 's' })) }, 'on', 'off'] },
    context: { s: 'x'.repeat(100 * 1024) },
  },
};

function flag(kind: string): Json {
  const base = { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'off' };
  if (kind === 'static') return base;
  return { ...base, targeting: RULES[kind]! };
}

const KINDS = ['static', 'targeting', 'fractional', 'semver'];

/**
 * A flag document: `static-flag`, `targeting-flag`, `fractional-flag`, `semver-flag`, plus
 * `count - 4` filler flags cycling through the same four kinds; with `iteration`, also
 * `iteration-flag` (kept out of the other cases so their numbers compare with earlier runs).
 */
export function document(count: number, iteration = false): { flags: Record<string, Json> } {
  const flags: Record<string, Json> = {};
  for (const kind of KINDS) flags[`${kind}-flag`] = flag(kind);
  for (let i = 0; i < count - KINDS.length; i++) {
    flags[`filler-${i}`] = flag(KINDS[i % KINDS.length]!);
  }
  if (iteration) flags['iteration-flag'] = flag('iteration');
  return { flags };
}
