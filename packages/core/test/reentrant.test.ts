// evaluate() runs targeted flags in one shared scope object; an evaluation started while a rule
// runs (a context getter evaluating another flag) must get its own scope and leave the outer
// evaluation's context, flag key and base context untouched.
import { createSnapshot, evaluate, parseFlags } from '../src/index.js';
import type { EvaluationContext } from '../src/index.js';

const parsed = parseFlags({
  flags: {
    outer: {
      state: 'ENABLED',
      variants: { on: 'on', off: 'off' },
      defaultVariant: 'off',
      targeting: {
        if: [
          {
            and: [
              { '==': [{ var: 'probe' }, 'x'] },
              { '==': [{ var: '$flagd.flagKey' }, 'outer'] },
            ],
          },
          { if: [{ '==': [{ var: 'base' }, 'b'] }, 'on', 'off'] },
          'off',
        ],
      },
    },
    inner: {
      state: 'ENABLED',
      variants: { yes: 'x', no: 'y' },
      defaultVariant: 'no',
      targeting: { if: [{ '==': [{ var: 'who' }, 'inner'] }, 'yes', 'no'] },
    },
  },
});
if (!parsed.ok || !parsed.configuration) throw new Error('fixture rejected');
const snapshot = createSnapshot(parsed.configuration).snapshot;

test('a context getter that evaluates another flag does not disturb the outer evaluation', () => {
  const context: EvaluationContext = {};
  Object.defineProperty(context, 'probe', {
    enumerable: true,
    get: () => evaluate(snapshot, 'inner', 'string', 'z', { who: 'inner' }).value,
  });
  const result = evaluate(snapshot, 'outer', 'string', 'z', context, {
    baseContext: { base: 'b' },
  });
  expect(result).toMatchObject({ value: 'on', variant: 'on', reason: 'TARGETING_MATCH' });
  // The shared scope is clean again: a plain evaluation sees only its own context.
  expect(evaluate(snapshot, 'outer', 'string', 'z', { probe: 'x' }).value).toBe('off');
  expect(evaluate(snapshot, 'inner', 'string', 'z', { who: 'inner' }).value).toBe('x');
});
