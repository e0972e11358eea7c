// Explain traces: every visited operator with evaluated operands and result, in
// visit order; short-circuited branches absent; fractional and sem_ver details.
import { murmur3Utf8 } from '../../src/targeting/murmur3.js';
import type { TraceNode } from '../../src/targeting/types.js';
import { compiled, scope } from './support.js';

function ops(node: TraceNode): string[] {
  return [node.op, ...(node.children ?? []).flatMap(ops)];
}

describe('explain', () => {
  it('records operators, operands and results in visit order, skipping untaken branches', () => {
    const r = compiled({
      if: [
        {
          and: [{ '==': [{ var: 'email' }, 'a@b'] }, { in: [{ var: 'tier' }, ['gold', 'silver']] }],
        },
        'vip',
        { cat: ['no', '!'] },
      ],
    });
    const { value, trace } = r.explain(scope({ email: 'a@b', tier: 'gold' }));
    expect(value).toBe('vip');
    expect(ops(trace)).toEqual(['if', 'and', '==', 'var', 'in', 'var']);
    expect(trace.path).toBe('targeting');
    expect(trace.args).toEqual([true, 'vip']);
    const and = trace.children?.[0] as TraceNode;
    expect(and.path).toBe('targeting.if[0]');
    expect(and.result).toBe(true);
    const eq = and.children?.[0] as TraceNode;
    expect(eq).toMatchObject({
      op: '==',
      path: 'targeting.if[0].and[0]',
      args: ['a@b', 'a@b'],
      result: true,
    });
    expect(eq.children?.[0]).toMatchObject({ op: 'var', args: ['email'], result: 'a@b' });
    const inNode = and.children?.[1] as TraceNode;
    expect(inNode).toMatchObject({ op: 'in', args: ['gold', ['gold', 'silver']], result: true });

    const miss = r.explain(scope({ email: 'x' }));
    expect(miss.value).toBe('no!');
    expect(ops(miss.trace)).toEqual(['if', 'and', '==', 'var', 'cat']); // `in` short-circuited
  });

  it('describes fractional bucketing, and its chosen variant equals evaluate', () => {
    const rule = {
      fractional: [
        { cat: [{ var: '$flagd.flagKey' }, { var: 'user.name' }] },
        ['clubs', 25],
        ['diamonds', 25],
        ['hearts', 25],
        ['spades', 25],
      ],
    };
    const r = compiled(rule, 'fractional-flag');
    for (const name of ['jack', 'queen', 'ten', 'nine', '3', 'héllo']) {
      const s = scope({ user: { name } }, 'fractional-flag');
      const { value, trace } = r.explain(s);
      expect(value).toBe(r.evaluate(s));
      const d = trace.detail as Record<string, unknown>;
      const seed = `fractional-flag${name}`;
      expect(d.bucketingValue).toBe(seed);
      expect(d.seedSource).toBe('explicit');
      expect(d.hash).toBe(murmur3Utf8(seed));
      expect(d.totalWeight).toBe(100);
      expect(d.bucket).toBe(Number((BigInt(murmur3Utf8(seed)) * 100n) >> 32n));
      expect(d.ranges).toEqual([
        { variant: 'clubs', weight: 25, from: 0, to: 25 },
        { variant: 'diamonds', weight: 25, from: 25, to: 50 },
        { variant: 'hearts', weight: 25, from: 50, to: 75 },
        { variant: 'spades', weight: 25, from: 75, to: 100 },
      ]);
      expect(d.chosen).toBe(value);
      expect(trace.result).toBe(value);
    }
    // testbed @fractional-v2: jack → hearts
    expect(r.explain(scope({ user: { name: 'jack' } }, 'fractional-flag')).value).toBe('hearts');
  });

  it('reports the implicit seed and why fractional returned null', () => {
    const r = compiled({ fractional: [['heads'], ['tails', 1]] }, 'fractional-flag-shorthand');
    const ok = r.explain(scope({ targetingKey: 'jon@company.com' }, 'fractional-flag-shorthand'));
    expect(ok.value).toBe('heads');
    expect(ok.trace.detail).toMatchObject({
      seedSource: 'flagKey+targetingKey',
      bucketingValue: 'fractional-flag-shorthandjon@company.com',
    });
    const none = r.explain(scope({}, 'fractional-flag-shorthand'));
    expect(none.value).toBeNull();
    expect(String(none.trace.detail?.reason)).toContain('targetingKey');
  });

  it('shows parsed versions for sem_ver', () => {
    const r = compiled({ sem_ver: [{ var: 'v' }, '^', '1'] });
    const { value, trace } = r.explain(scope({ v: 'V1.5.0+build' }));
    expect(value).toBe(true);
    expect(trace.detail).toEqual({ version: 'v1.5.0', operator: '^', target: 'v1.0.0' });
    expect(trace.args).toEqual(['V1.5.0+build', '^', '1']);
  });

  it('records a literal rule and iteration', () => {
    expect(compiled('on').explain(scope()).trace).toEqual({
      op: 'literal',
      path: 'targeting',
      result: 'on',
    });
    const { trace } = compiled({ some: [{ var: 'xs' }, { '>': [{ var: '' }, 1] }] }).explain(
      scope({ xs: [1, 2, 3] }),
    );
    expect(trace.result).toBe(true);
    expect(ops(trace)).toEqual(['some', 'var', '>', 'var', '>', 'var']); // stops at the first match
  });

  it('gives the same value as evaluate on a mixed rule set', () => {
    const rules = [
      { if: [{ '<': [1, { var: 'n' }, 10] }, 'mid', 'out'] },
      { reduce: [{ var: 'xs' }, { '+': [{ var: 'current' }, { var: 'accumulator' }] }, 0] },
      { or: [{ missing: ['a', 'b'] }, 'none-missing'] },
      { substr: [{ var: 's' }, -3, -1] },
      { merge: [{ var: 'xs' }, [{ var: 'n' }]] },
    ];
    const contexts = [{ n: 5, xs: [1, 2], s: 'abcdef', a: 1, b: 2 }, { n: 11, xs: [], s: '' }, {}];
    for (const rule of rules) {
      const r = compiled(rule as never);
      for (const ctx of contexts)
        expect(r.explain(scope(ctx)).value).toEqual(r.evaluate(scope(ctx)));
    }
  });
});
