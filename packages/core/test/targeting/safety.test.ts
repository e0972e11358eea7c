// Untrusted input: prototype safety of `var`, bounded depth and size with
// diagnostics instead of exceptions, unknown operators, nothing thrown from evaluate, no code
// generation; and the flagd-schemas targeting test rules (positives compile cleanly, negatives
// produce a warning or an error).
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { compileTargeting } from '../../src/targeting/compile.js';
import { DEFAULT_LIMITS } from '../../src/targeting/types.js';
import type { EvaluationContext, JsonValue } from '../../src/types.js';
import { SCHEMAS_DIR, compile, compiled, run, scope } from './support.js';

describe('prototype safety of var paths', () => {
  afterEach(() => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  // First in the file, so its key has one of the pooled per-key readers (see key-readers.ts).
  it('never reads a key Object.prototype gains after the rule ran (pollution)', () => {
    const test = compiled({
      if: [{ '==': [{ var: 'pollutedLater' }, 'yes'] }, 'read', 'not read'],
    });
    for (let i = 0; i < 20_000; i++) expect(test.evaluate(scope({ other: 1 }))).toBe('not read');
    const proto = Object.prototype as unknown as Record<string, unknown>;
    try {
      proto.pollutedLater = 'yes';
      expect(test.evaluate(scope({ other: 1 }))).toBe('not read');
      expect(test.evaluate(scope({ pollutedLater: 'yes' }))).toBe('read');
    } finally {
      delete proto.pollutedLater;
    }
    expect(test.evaluate(scope({ pollutedLater: 'yes' }))).toBe('read');
  });

  it('never reads inherited or prototype properties', () => {
    const ctx = JSON.parse('{"__proto__": {"polluted": "yes"}, "user": {"name": "n"}}');
    expect(run({ var: '__proto__.polluted' }, ctx)).toBeNull();
    expect(run({ var: '__proto__' }, ctx)).toBeNull();
    expect(run({ var: 'constructor' }, {})).toBeNull();
    expect(run({ var: 'constructor.prototype' }, {})).toBeNull();
    expect(run({ var: 'user.constructor.name' }, ctx)).toBeNull();
    expect(run({ var: 'user.toString' }, ctx)).toBeNull();
    expect(run({ var: 'user.hasOwnProperty' }, ctx)).toBeNull();
    expect(run({ var: 'list.length' }, { list: [1, 2] })).toBeNull();
    expect(run({ var: 'list.constructor' }, { list: [1, 2] })).toBeNull();
    expect(run({ var: ['toString', 'd'] }, {})).toBe('d');
    expect(run({ missing: ['toString', 'constructor'] }, {})).toEqual(['toString', 'constructor']);
    expect(run({ map: [{ var: 'items' }, { var: 'constructor' }] }, { items: [{}, []] })).toEqual([
      null,
      null,
    ]);
    expect(run({ reduce: [[1], { var: 'accumulator.constructor' }, {}] })).toBeNull();
  });

  it('reads own keys only, whatever the context object and whichever key reader serves it', () => {
    // More distinct keys than the pool of per-key readers, so pooled and generic readers both run.
    const keys = Array.from({ length: 40 }, (_, i) => `safety-key-${i}`);
    class Holder {
      constructor(readonly own: string) {}
    }
    Object.assign(Holder.prototype, Object.fromEntries(keys.map((k) => [k, 'inherited'])));
    for (const key of keys) {
      const rule = { '==': [{ var: key }, 'v'] };
      const test = compiled({ if: [rule, 'yes', 'no'] });
      const plain = { [key]: 'v' };
      const nullProto = Object.assign(Object.create(null) as EvaluationContext, { [key]: 'v' });
      for (let i = 0; i < 2_000; i++) expect(test.evaluate(scope(plain))).toBe('yes');
      expect(test.evaluate(scope(nullProto))).toBe('yes');
      expect(test.evaluate(scope(new Holder('x') as unknown as EvaluationContext))).toBe('no');
      expect(test.evaluate(scope(Object.create(plain) as EvaluationContext))).toBe('no');
      expect(test.evaluate(scope({}, 'f', { [key]: 'v' }))).toBe('yes');
    }
    expect(run({ var: 'toString' }, { toString: 'mine' } as EvaluationContext)).toBe('mine');
  });

  it('flags such paths at compile time', () => {
    const r = compile({ var: 'a.__proto__.b' });
    expect(r.warnings.map((w) => w.code)).toEqual(['UNSAFE_VAR_PATH']);
  });

  it('treats operator names as own keys of the operator table only', () => {
    for (const op of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
      const rule = JSON.parse(`{"${op}": [1]}`) as JsonValue;
      const r = compile(rule);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('UNKNOWN_OPERATOR');
    }
  });
});

describe('unknown operators', () => {
  it('fails compilation with a precise diagnostic', () => {
    const r = compileTargeting(
      { if: [{ foo: [1] }, 'a', 'b'] },
      {
        flagKey: 'my-flag',
        path: 'flags.my-flag.targeting',
        file: 'flags.json',
        limits: DEFAULT_LIMITS,
      },
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toEqual({
      severity: 'error',
      code: 'UNKNOWN_OPERATOR',
      message: 'unknown operator "foo"',
      file: 'flags.json',
      flagKey: 'my-flag',
      path: 'flags.my-flag.targeting.if[0].foo',
    });
  });

  it('reports a leftover $ref distinctly', () => {
    const r = compile({ if: [{ $ref: 'nope' }, 'a'] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('UNRESOLVED_REF');
  });

  it('testbed error-targeting-flag is a compile error', () => {
    expect(compile({ invalid: ['this is not valid targeting'] }).ok).toBe(false);
  });
});

describe('limits', () => {
  const nest = (levels: number, wrap: (inner: JsonValue) => JsonValue): JsonValue => {
    let rule: JsonValue = true;
    for (let i = 0; i < levels; i++) rule = wrap(rule);
    return rule;
  };

  it('rejects 100-level nesting with a diagnostic, in every nesting style', () => {
    for (const wrap of [
      (x: JsonValue) => ({ '!': x }),
      (x: JsonValue) => ({ and: [x] }),
      (x: JsonValue) => [x],
    ]) {
      const r = compile(nest(100, wrap));
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.code).toBe('RULE_TOO_DEEP');
        expect(r.error.message).toContain('64');
        expect(r.error.path.startsWith('flags.test-flag.targeting')).toBe(true);
      }
    }
    expect(compile(nest(60, (x) => ({ '!': x }))).ok).toBe(true);
  });

  it('survives hostile depth far beyond the stack without recursing', () => {
    const r = compile(nest(200_000, (x) => ({ '!': x })));
    expect(r.ok).toBe(false);
    const generous = compileTargeting(
      nest(200_000, (x) => [x]),
      {
        flagKey: 'f',
        path: 'flags.f.targeting',
        limits: { ...DEFAULT_LIMITS, maxDepth: 1_000_000, maxRuleNodes: 10_000_000 },
      },
    );
    expect(generous.ok).toBe(false); // maxDepth is clamped to MAX_SUPPORTED_DEPTH: a diagnostic from the iterative check, never a stack overflow
    if (!generous.ok) expect(generous.error.code).toBe('RULE_TOO_DEEP');
  });

  it('rejects a ~10 MB rule by node count', () => {
    const values = Array.from({ length: 700_000 }, (_, i) => `user-${i}@example.com`);
    const rule = { in: [{ var: 'email' }, values] };
    expect(JSON.stringify(rule).length).toBeGreaterThan(10_000_000);
    const started = Date.now();
    const r = compile(rule);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('RULE_TOO_LARGE');
  });
});

describe('evaluate never throws', () => {
  it('returns null where JavaScript would throw', () => {
    const nullProto = Object.create(null) as Record<string, unknown>;
    nullProto.a = 1;
    const r = compiled({ '==': [{ var: 'o' }, 'x'] });
    expect(r.evaluate(scope({ o: nullProto as never }))).toBeNull();
    const throwing = compiled({ var: '$flagd.timestamp' });
    expect(
      throwing.evaluate({
        context: {},
        baseContext: undefined,
        flagKey: 'f',
        timestamp: () => {
          throw new Error('clock');
        },
        steps: 0,
      }),
    ).toBeNull();
  });

  it('compiles without code generation (eval and Function unavailable)', () => {
    // Both globals are replaced by throwing stubs while the rule compiles and runs.
    const g = globalThis as unknown as Record<string, unknown>;
    const EVAL = 'eval';
    const originalFunction = g.Function;
    const originalEval = g[EVAL];
    const blocked = () => {
      throw new Error('code generation is disabled');
    };
    g.Function = blocked;
    g[EVAL] = blocked;
    try {
      const r = compiled({
        if: [
          { and: [{ '==': [{ var: 'a' }, 1] }, { in: [{ var: 'b' }, ['x', 'y']] }] },
          {
            fractional: [
              ['on', 1],
              ['off', 1],
            ],
          },
          'no',
        ],
      });
      expect(['on', 'off']).toContain(r.evaluate(scope({ a: 1, b: 'x', targetingKey: 'k' })));
      expect(r.explain(scope({ a: 2 })).value).toBe('no');
    } finally {
      g.Function = originalFunction;
      g[EVAL] = originalEval;
    }
  });
});

describe('flagd-schemas targeting test rules', () => {
  const dir = path.join(SCHEMAS_DIR, 'test/targeting');
  const read = (kind: string) =>
    readdirSync(path.join(dir, kind))
      .filter((f) => f.endsWith('.json'))
      .map(
        (f) => [f, JSON.parse(readFileSync(path.join(dir, kind, f), 'utf8')) as JsonValue] as const,
      );
  // `$ref`s reach the compiler resolved; the schema tests leave them in, so stand one in.
  const withoutRefs = (v: JsonValue): JsonValue => {
    if (Array.isArray(v)) return v.map(withoutRefs);
    if (v !== null && typeof v === 'object') {
      if (Object.keys(v).length === 1 && '$ref' in v) return { '==': [{ var: 'email' }, 'x'] };
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, withoutRefs(x)]));
    }
    return v;
  };

  it.each(read('positive'))('positive %s compiles without warnings', (_f, rule) => {
    const r = compile(withoutRefs(rule));
    expect(r.ok ? [] : [r.error]).toEqual([]);
    expect(r.warnings).toEqual([]);
  });

  it.each(read('negative'))('negative %s gives a warning or an error', (_f, rule) => {
    const r = compile(withoutRefs(rule));
    const problems = [...r.warnings, ...(r.ok ? [] : [r.error])];
    expect(problems.length).toBeGreaterThan(0);
  });
});
