// evaluate() runs targeted flags in one shared scope object; an evaluation started while a rule
// runs (a context getter evaluating another flag) must get its own scope and leave the outer
// evaluation's context, flag key and base context untouched.
import { createEvaluator, createSnapshot, evaluate, parseFlags } from '../src/index.js';
import type { EvaluationContext } from '../src/index.js';

const document = {
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
};
const parsed = parseFlags(document);
if (!parsed.ok || !parsed.configuration) throw new Error('fixture rejected');
const snapshot = createSnapshot(parsed.configuration).snapshot;

const stringOf = (flagKey: string, context: EvaluationContext, baseContext?: EvaluationContext) =>
  evaluate(
    snapshot,
    { flagKey, type: 'string', defaultValue: 'z', context },
    baseContext === undefined ? {} : { baseContext },
  );

test('a context getter that evaluates another flag does not disturb the outer evaluation', () => {
  const context: EvaluationContext = {};
  Object.defineProperty(context, 'probe', {
    enumerable: true,
    get: () => stringOf('inner', { who: 'inner' }).value,
  });
  const result = stringOf('outer', context, { base: 'b' });
  expect(result).toMatchObject({ value: 'on', variant: 'on', reason: 'TARGETING_MATCH' });
  // The shared scope is clean again: a plain evaluation sees only its own context.
  expect(stringOf('outer', { probe: 'x' }).value).toBe('off');
  expect(stringOf('inner', { who: 'inner' }).value).toBe('x');
});

test('a reused request may be refilled by a nested evaluation (createEvaluator reuses one)', () => {
  const evaluator = createEvaluator({ baseContext: { base: 'b' } });
  evaluator.setConfiguration(JSON.stringify(document));
  const context: EvaluationContext = {};
  Object.defineProperty(context, 'probe', {
    enumerable: true,
    get: () => evaluator.resolveString('inner', 'nested-default', { who: 'inner' }).value,
  });
  expect(evaluator.resolveString('outer', 'z', context)).toMatchObject({ value: 'on' });
  // The outer default survives the nested call that refilled the shared request.
  expect(evaluator.resolveNumber('outer', 7, context)).toMatchObject({
    value: 7,
    errorCode: 'TYPE_MISMATCH',
  });
});
