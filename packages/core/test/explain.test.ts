// explain: the evaluateAny result plus a trace with flagKey, state, the
// rule's TraceNode, the chosen variant, reason and a one-line why.
import { createSnapshot, evaluateAny, explain, parseFlags } from '../src/index.js';

jest.mock('../src/targeting-compiler.js', () => require('./support/fake-compiler.js'));

const snap = createSnapshot(
  parseFlags(
    {
      flags: {
        static: { state: 'ENABLED', variants: { on: true }, defaultVariant: 'on' },
        off: { state: 'DISABLED', variants: { on: true }, defaultVariant: 'on' },
        none: { state: 'ENABLED', variants: { on: true } },
        nulls: {
          state: 'ENABLED',
          variants: { on: true },
          defaultVariant: 'on',
          targeting: { $return: null },
        },
        ghost: {
          state: 'ENABLED',
          variants: { on: true },
          defaultVariant: 'on',
          targeting: { $return: 'ghost' },
        },
        broken: {
          state: 'ENABLED',
          variants: { on: true },
          defaultVariant: 'on',
          targeting: { nope: 1 },
        },
        boom: {
          state: 'ENABLED',
          variants: { on: true },
          defaultVariant: 'on',
          targeting: { $throw: 'boom' },
        },
      },
    },
    { mode: 'isolating' },
  ).configuration!,
).snapshot;

test.each([
  ['missing', 'ERROR', /does not exist/],
  ['static', 'STATIC', /no targeting: served the default variant "on"/],
  ['off', 'DISABLED', /is DISABLED/],
  ['none', 'DEFAULT', /no default variant/],
  ['nulls', 'DEFAULT', /targeting returned null: served the default variant "on"/],
  ['ghost', 'ERROR', /"ghost", which is not a variant/],
  ['broken', 'ERROR', /cannot be evaluated/],
  ['boom', 'ERROR', /boom/],
])('%s → %s with a why', (key, reason, why) => {
  const { result, trace } = explain(snap, { flagKey: key, context: {} });
  expect(result.reason).toBe(reason);
  expect(trace.reason).toBe(reason);
  expect(trace.flagKey).toBe(key);
  expect(trace.why).toMatch(why);
  if (key !== 'boom') expect(result).toEqual(evaluateAny(snap, { flagKey: key, context: {} }));
});

test('a targeted explain carries the rule trace and its raw result', () => {
  const { trace } = explain(snap, { flagKey: 'nulls' });
  expect(trace).toMatchObject({
    state: 'ENABLED',
    rule: { op: '$return', result: null },
    ruleResult: null,
    variant: 'on',
  });
});
