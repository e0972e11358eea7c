// Generators of fuzz cases for the evaluation budget: a JSONLogic rule (random operators, odd
// operands, prototype-named keys and paths, and the hostile shapes that exhaust naive engines —
// accumulator doubling, concatenation of long values, deep nesting, wide literals, nested
// iteration over large arrays) plus an evaluation context. Used by the property tests (CI, a
// few thousand cases) and by `npm run fuzz` (a million).
import fc from 'fast-check';
import type { FlagValueType, JsonValue } from '../src/index.js';

/**
 * The context of a case, small enough to print: plain values, and the sizes of the large ones
 * (built by `contextOf`, so a counterexample never prints megabytes).
 */
export interface ContextSpec {
  readonly plain: Record<string, unknown>;
  /** Length of `s`, a string of 'x'. */
  readonly s?: number;
  /** Length of `xs`, the array 0..n-1. */
  readonly xs?: number;
  /** `rows`: n rows of n rows of 0..n-1 (shared arrays). */
  readonly rows?: number;
  /** Own `__proto__` and `constructor` keys that would pollute if copied naively. */
  readonly withProto: boolean;
}

export function contextOf(spec: ContextSpec): Record<string, unknown> {
  const ctx: Record<string, unknown> = spec.withProto
    ? (JSON.parse(
        '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}',
      ) as Record<string, unknown>)
    : {};
  for (const key of Object.keys(spec.plain)) ctx[key] = spec.plain[key];
  if (spec.s !== undefined) ctx.s = 'x'.repeat(spec.s);
  if (spec.xs !== undefined) ctx.xs = range(spec.xs);
  if (spec.rows !== undefined) {
    const row = range(spec.rows);
    ctx.rows = new Array(spec.rows).fill(new Array(spec.rows).fill(row));
  }
  return ctx;
}

/** One case: the rule as JSON text (deep shapes cannot go through JSON.stringify), a context. */
export interface FuzzCase {
  readonly ruleText: string;
  /** An evaluator the rule may `$ref`, as JSON text. */
  readonly evaluatorText: string;
  readonly context: ContextSpec;
  readonly type: FlagValueType;
  /** Which generator made the rule, for the fuzz summary. */
  readonly shape: string;
}

const OPERATORS = [
  'var',
  'missing',
  'missing_some',
  'if',
  '?:',
  '==',
  '===',
  '!=',
  '!==',
  '!',
  '!!',
  'and',
  'or',
  '<',
  '<=',
  '>',
  '>=',
  'max',
  'min',
  '+',
  '-',
  '*',
  '/',
  '%',
  'in',
  'cat',
  'substr',
  'merge',
  'map',
  'filter',
  'reduce',
  'all',
  'none',
  'some',
  'fractional',
  'sem_ver',
  'starts_with',
  'ends_with',
];
/** Names that must stay unknown operators or plain data, never reach a prototype. */
const HOSTILE_NAMES = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
];
const PATHS = [
  '',
  'tier',
  'email',
  'n',
  'xs',
  's',
  'user.name',
  'user',
  'accumulator',
  'current',
  '$flagd.flagKey',
  '$flagd.timestamp',
  '$flagd',
  'xs.0',
  'missing.deep.path',
  '__proto__',
  '__proto__.polluted',
  'constructor',
  'constructor.prototype',
  'user.__proto__',
  'prototype',
  'toString',
];
const WORDS = [
  'on',
  'off',
  'a',
  'b',
  'pro',
  'free',
  '1.2.3',
  'v2.0.0-rc.1',
  '',
  'true',
  'polluted',
  ...HOSTILE_NAMES,
];

const literal: fc.Arbitrary<JsonValue> = fc.oneof(
  fc.constantFrom<JsonValue>(...WORDS),
  fc.integer({ min: -5, max: 100 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
);

const variable: fc.Arbitrary<JsonValue> = fc.oneof(
  fc.constantFrom(...PATHS).map((p): JsonValue => ({ var: p })),
  fc.tuple(fc.constantFrom(...PATHS), literal).map(([p, d]): JsonValue => ({ var: [p, d] })),
);

/** Random rules: every operator, any arity, literal arrays and multi-key data objects. */
const randomRule: fc.Arbitrary<JsonValue> = fc.letrec<{ rule: JsonValue }>((tie) => ({
  rule: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { arbitrary: literal, weight: 3 },
    { arbitrary: variable, weight: 3 },
    {
      arbitrary: fc
        .tuple(
          fc.oneof(
            { arbitrary: fc.constantFrom(...OPERATORS), weight: 9 },
            fc.constantFrom(...HOSTILE_NAMES, '$ref', 'nope'),
          ),
          fc.oneof(fc.array(tie('rule'), { maxLength: 4 }), tie('rule')),
        )
        .map(([op, operands]) => operation(op, operands)),
      weight: 6,
    },
    { arbitrary: fc.array(tie('rule'), { maxLength: 4 }), weight: 1 },
    {
      arbitrary: fc
        .dictionary(fc.constantFrom('a', 'b', '__proto__', 'constructor'), tie('rule'), {
          minKeys: 2,
          maxKeys: 3,
        })
        .map((o) => JSON.parse(JSON.stringify(o)) as JsonValue),
      weight: 1,
    },
    { arbitrary: fc.constantFrom<JsonValue>({ $ref: 'e1' }, { $ref: 'missing' }), weight: 1 },
  ),
})).rule;

/** `{ [op]: operands }` with `op` an own key even when it is `__proto__`. */
function operation(op: string, operands: JsonValue): JsonValue {
  const node: Record<string, JsonValue> = {};
  Object.defineProperty(node, op, {
    value: operands,
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return node;
}

/** Targeting and evaluators must be objects: anything else is wrapped so it still runs. */
function asRule(rule: JsonValue): JsonValue {
  return rule !== null && typeof rule === 'object' && !Array.isArray(rule)
    ? rule
    : { if: [true, rule] };
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** A size: mostly small, sometimes up to `max` (large shapes cost milliseconds to parse). */
const size = (min: number, max: number): fc.Arbitrary<number> =>
  fc.oneof(
    { arbitrary: fc.integer({ min, max: Math.min(max, min + 50) }), weight: 9 },
    { arbitrary: fc.integer({ min, max }), weight: 1 },
  );

/** The shapes that exhaust engines without a budget, each with random sizes. */
const hostileRule: fc.Arbitrary<{ text: string; shape: string }> = fc.oneof(
  fc.integer({ min: 10, max: 40 }).map((n) => ({
    shape: 'reduce-doubling',
    text: JSON.stringify({
      if: [
        { reduce: [range(n), { merge: [{ var: 'accumulator' }, { var: 'accumulator' }] }, [1]] },
        'b',
        'a',
      ],
    }),
  })),
  size(2, 5000).map((n) => ({
    shape: 'cat-long-values',
    text: JSON.stringify({
      if: [{ cat: Array.from({ length: n }, () => ({ var: 's' })) }, 'b', 'a'],
    }),
  })),
  size(2, 3000).map((n) => ({
    shape: 'merge-many',
    text: JSON.stringify({
      in: ['x', { merge: Array.from({ length: n }, () => ({ var: 'xs' })) }],
    }),
  })),
  fc.integer({ min: 1, max: 3 }).map((levels) => {
    // Inside an iteration `var` reads the element, so nested levels iterate the rows' rows.
    let body: JsonValue = { '==': [{ var: '' }, 3] };
    for (let i = 0; i < levels; i++) body = { some: [{ var: '' }, body] };
    return { shape: 'nested-iteration', text: JSON.stringify({ some: [{ var: 'rows' }, body] }) };
  }),
  fc.constantFrom('map', 'filter', 'all', 'none', 'some').map((op) => ({
    shape: `${op}-large`,
    text: JSON.stringify(operation(op, [{ var: 'xs' }, { cat: [{ var: '' }, { var: 's' }] }])),
  })),
  size(60, 12_000).map((n) => ({
    shape: n > 1000 ? 'deep-10k' : 'deep',
    text: `${'{"!":['.repeat(n)}{"var":"x"}${']}'.repeat(n)}`,
  })),
  {
    arbitrary: fc.integer({ min: 15_000, max: 40_000 }).map((n) => ({
      shape: 'wide',
      text: JSON.stringify({ in: [{ var: 'tier' }, range(n)] }),
    })),
    weight: 1,
  },
  fc.constant({
    shape: 'array-text',
    text: JSON.stringify({ '==': [{ merge: [{ var: 'xs' }, { var: 'xs' }] }, 'x'] }),
  }),
  fc.constant({
    shape: 'substr-long',
    text: JSON.stringify({ substr: [{ cat: [{ var: 's' }, { var: 's' }] }, 1] }),
  }),
);

const smallString = fc.oneof(fc.constantFrom(...WORDS), fc.string({ maxLength: 12 }));

/** Contexts: the keys rules read, sometimes huge, sometimes with own `__proto__` keys. */
const context: fc.Arbitrary<ContextSpec> = fc.record(
  {
    plain: fc.record(
      {
        targetingKey: smallString,
        tier: fc.oneof(smallString, fc.integer()),
        email: smallString,
        n: fc.integer({ min: -10, max: 100 }),
        s: smallString,
        xs: fc.array(fc.oneof(fc.integer({ min: 0, max: 5 }), smallString), { maxLength: 6 }),
        user: fc.record({ name: smallString }, { requiredKeys: [] }),
        version: fc.constantFrom('1.2.3', 'v2.0.0', '2.0.0-rc.1', 'x'.repeat(300), ''),
      },
      { requiredKeys: [] },
    ),
    s: size(1_000, 120_000),
    xs: size(100, 30_000),
    // Rows of rows of one shared array: large nested iterations from a small context.
    rows: size(2, 3000),
    withProto: fc.boolean(),
  },
  { requiredKeys: ['plain', 'withProto'] },
);

const ruleText: fc.Arbitrary<{ text: string; shape: string }> = fc.oneof(
  {
    arbitrary: randomRule.map((r) => ({ text: JSON.stringify(asRule(r)), shape: 'random' })),
    weight: 4,
  },
  { arbitrary: hostileRule, weight: 1 },
);

export const fuzzCase: fc.Arbitrary<FuzzCase> = fc
  .tuple(
    ruleText,
    randomRule,
    context,
    fc.constantFrom<FlagValueType>('boolean', 'string', 'number', 'object'),
  )
  .map(([rule, evaluator, ctx, type]) => ({
    ruleText: rule.text,
    evaluatorText: JSON.stringify(asRule(evaluator)),
    context: ctx,
    type,
    shape: rule.shape,
  }));
