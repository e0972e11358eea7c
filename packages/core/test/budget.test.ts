// The evaluation budget (docs/adr/0025): rules over the compile-time limits are isolated for
// their flag; rules that would spend more than one evaluation's budget fail fast with GENERAL
// for their flag. The other flags are always served.
import {
  createSnapshot,
  DEFAULT_LIMITS,
  evaluate,
  evaluateAll,
  explain,
  type EvaluationContext,
  type FlagSnapshot,
  type JsonValue,
  type ParseOptions,
  parseFlags,
} from '../src/index.js';

const DAEMON: ParseOptions = { mode: 'strict', targetingErrors: 'isolate', source: 'flags.json' };
const flag = (targeting?: JsonValue) => ({
  state: 'ENABLED',
  variants: { a: 'A', b: 'B' },
  defaultVariant: 'a',
  ...(targeting === undefined ? {} : { targeting }),
});
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

function snapshotOf(
  flags: Record<string, JsonValue>,
  options: ParseOptions = DAEMON,
): FlagSnapshot {
  const parsed = parseFlags({ flags: { ...flags, other: flag() } }, options);
  expect(parsed.ok).toBe(true);
  return createSnapshot(parsed.configuration!).snapshot;
}

function stringOf(snapshot: FlagSnapshot, flagKey: string, context?: EvaluationContext) {
  return evaluate(snapshot, { flagKey, type: 'string', defaultValue: 'dflt', context });
}

/** The flag failed with GENERAL, naming the limit; the other flag is still served. */
function expectBudgetFailure(snapshot: FlagSnapshot, context: EvaluationContext, limit: RegExp) {
  const r = stringOf(snapshot, 'f', context);
  expect(r).toMatchObject({ value: 'dflt', reason: 'ERROR', errorCode: 'GENERAL' });
  expect(r.errorMessage).toMatch(limit);
  expect(stringOf(snapshot, 'other')).toMatchObject({ value: 'A', reason: 'STATIC' });
}

describe('compile-time limits isolate the flag', () => {
  const deepText = (levels: number) =>
    `{"flags":{"deep":{"state":"ENABLED","variants":{"a":"A","b":"B"},"defaultVariant":"a","targeting":${'{"!":'.repeat(levels)}{"var":"x"}${'}'.repeat(levels)}},"other":{"state":"ENABLED","variants":{"a":"A"},"defaultVariant":"a"}}}`;

  test('a 10,000-deep rule: PARSE_ERROR for its flag, a diagnostic with path and position, the others served', () => {
    const parsed = parseFlags(deepText(10_000), DAEMON);
    expect(parsed.ok).toBe(true);
    const [d] = parsed.diagnostics;
    expect(d).toMatchObject({
      code: 'RULE_TOO_DEEP',
      flagKey: 'deep',
      file: 'flags.json',
      line: 1,
    });
    expect(d?.path).toBe(`flags.deep.targeting${'.!'.repeat(DEFAULT_LIMITS.maxDepth)}`);
    const snapshot = createSnapshot(parsed.configuration!).snapshot;
    expect(stringOf(snapshot, 'deep')).toMatchObject({ reason: 'ERROR', errorCode: 'PARSE_ERROR' });
    expect(stringOf(snapshot, 'other')).toMatchObject({ value: 'A', reason: 'STATIC' });
  });

  test('the refused rule is replaced by a small stand-in that every JSONLogic engine refuses', () => {
    const parsed = parseFlags(deepText(10_000), DAEMON);
    const deep = parsed.configuration!.flags.find((f) => f.key === 'deep')!;
    expect(deep.targeting).toEqual({
      $refused: 'RULE_TOO_DEEP: targeting is nested deeper than the limit of 64 levels',
    });
    expect(() => JSON.stringify(parsed.configuration)).not.toThrow();
    // A configuration that carries the stand-in (a daemon's sync payload) isolates it again.
    const again = parseFlags(JSON.stringify({ flags: { deep } }), { mode: 'isolating' });
    expect(again.configuration!.flags[0]?.error?.code).toBe('UNKNOWN_OPERATOR');
  });

  test('strict linting rejects the file with the same diagnostic', () => {
    const parsed = parseFlags(deepText(10_000), { source: 'flags.json' });
    expect(parsed.ok).toBe(false);
    expect(parsed.diagnostics[0]).toMatchObject({ code: 'RULE_TOO_DEEP', flagKey: 'deep' });
  });

  test('a deep $evaluator is measured where it is used', () => {
    let deep: JsonValue = { var: 'x' };
    for (let i = 0; i < 200; i++) deep = { '!': deep };
    const parsed = parseFlags(
      { $evaluators: { e: deep }, flags: { f: flag({ $ref: 'e' }), other: flag() } },
      DAEMON,
    );
    expect(parsed.ok).toBe(true);
    expect(parsed.diagnostics.map((x) => [x.code, x.flagKey])).toEqual([['RULE_TOO_DEEP', 'f']]);
  });

  test('maxDepth can be raised, but never past 1,000 levels', () => {
    const parsed = parseFlags(deepText(2_000), { ...DAEMON, limits: { maxDepth: 1_000_000 } });
    expect(parsed.diagnostics[0]?.message).toContain('1000 levels');
  });
});

describe('the run-time budget fails fast with GENERAL', () => {
  test('accumulator doubling (reduce + merge) stops at the array limit', () => {
    const rule = {
      if: [
        { reduce: [range(30), { merge: [{ var: 'accumulator' }, { var: 'accumulator' }] }, [1]] },
        'b',
        'a',
      ],
    };
    expectBudgetFailure(
      snapshotOf({ f: flag(rule) }),
      {},
      /targeting\.if\[0\]\.reduce\[1\]: an array of 16384 elements is longer than the limit of 10000/,
    );
  });

  test('cat of 5,000 copies of a 100 KB value stops at the string limit', () => {
    const rule = { if: [{ cat: Array.from({ length: 5000 }, () => ({ var: 's' })) }, 'b', 'a'] };
    const s = 'x'.repeat(50 * 1024);
    expectBudgetFailure(
      snapshotOf({ f: flag(rule) }),
      { s },
      /string of \d+ characters is longer than the limit of 100000/,
    );
  });

  test('nested iteration over large arrays runs out of steps', () => {
    // Inside an iteration `var` reads the element: iterate the rows, then each row.
    const rule = { some: [{ var: 'rows' }, { some: [{ var: '' }, false] }] };
    const snapshot = snapshotOf({ f: flag({ if: [rule, 'b', 'a'] }) });
    // 2,000 rows × 2,000 elements: 4,000,000 steps, far over 100,000.
    const rows = new Array(2000).fill(range(2000));
    expectBudgetFailure(snapshot, { rows }, /more than the limit of 100000 steps/);
  });

  test('map over an array longer than the array limit', () => {
    const rule = { if: [{ map: [{ var: 'xs' }, { var: '' }] }, 'b', 'a'] };
    expectBudgetFailure(snapshotOf({ f: flag(rule) }), { xs: range(20_000) }, /limit of 10000/);
  });

  test('an array compared as text is built within the string limit', () => {
    const rule = { if: [{ '==': [{ merge: [{ var: 'xs' }, { var: 'xs' }] }, 'x'] }, 'b', 'a'] };
    const big = Array.from({ length: 3000 }, () => 'y'.repeat(100));
    expectBudgetFailure(snapshotOf({ f: flag(rule) }), { xs: big }, /text of an array is longer/);
    // JavaScript's semantics are kept within the limit.
    const small = snapshotOf({ f: flag({ if: [{ '==': [{ var: 'xs' }, '1,2'] }, 'b', 'a'] }) });
    expect(stringOf(small, 'f', { xs: [1, 2] }).value).toBe('B');
  });

  test('limits are options: a smaller budget fails sooner', () => {
    const rule = { if: [{ some: [{ var: 'xs' }, { '==': [{ var: '' }, 99] }] }, 'b', 'a'] };
    const snapshot = snapshotOf({ f: flag(rule) }, { ...DAEMON, limits: { maxSteps: 50 } });
    expect(stringOf(snapshot, 'f', { xs: range(10) }).value).toBe('A');
    expectBudgetFailure(snapshot, { xs: range(100) }, /limit of 50 steps/);
  });

  test('evaluateAll and explain report the same failure, and the budget resets per flag', () => {
    const bomb = {
      if: [
        { reduce: [range(30), { merge: [{ var: 'accumulator' }, { var: 'accumulator' }] }, [1]] },
        'b',
        'a',
      ],
    };
    const iterate = { if: [{ some: [{ var: 'xs' }, { '==': [{ var: '' }, 9] }] }, 'b', 'a'] };
    const snapshot = snapshotOf({ f: flag(bomb), g: flag(iterate) });
    const all = evaluateAll(snapshot, { xs: range(10) });
    expect(all.get('f')).toMatchObject({ reason: 'ERROR', errorCode: 'GENERAL' });
    expect(all.get('g')).toMatchObject({ value: 'B', reason: 'TARGETING_MATCH' });
    const { result, trace } = explain(snapshot, { flagKey: 'f' });
    expect(result).toMatchObject({ reason: 'ERROR', errorCode: 'GENERAL' });
    expect(trace.why).toMatch(/limit of 10000/);
  });
});

describe('legitimate rules stay far below the limits', () => {
  test('a realistic iteration uses a tiny share of the budget', () => {
    const rule = {
      if: [
        {
          and: [
            { some: [{ var: 'groups' }, { in: [{ var: '' }, ['beta', 'staff']] }] },
            { '>=': [{ var: 'age' }, 18] },
          ],
        },
        'b',
        'a',
      ],
    };
    const snapshot = snapshotOf({ f: flag(rule) }, { ...DAEMON, limits: { maxSteps: 1_000 } });
    const groups = Array.from({ length: 100 }, (_, i) => `group-${i}`).concat('beta');
    expect(stringOf(snapshot, 'f', { groups, age: 30 })).toMatchObject({ value: 'B' });
  });
});
