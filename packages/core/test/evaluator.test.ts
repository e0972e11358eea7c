// createEvaluator and the typed errors (docs/architecture.md: setConfiguration throws
// ConfigurationError; CONTRIBUTING.md: typed error classes whose messages lead with the code).
import { ConfigurationError, createEvaluator, SwitchyardError } from '../src/index.js';

const doc = (variant: string) => ({
  flags: {
    a: { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: variant },
    b: { state: 'ENABLED', variants: { x: 'X', y: 'Y' }, defaultVariant: 'x' },
  },
});

test('applies configurations, reports changes and resolves all four types', () => {
  const e = createEvaluator({ baseContext: { region: 'eu' } });
  expect(e.resolveBoolean('a', false).errorCode).toBe('FLAG_NOT_FOUND');
  expect(e.setConfiguration(doc('on'))).toEqual({ added: ['a', 'b'], removed: [], changed: [] });
  expect(e.resolveBoolean('a', false)).toMatchObject({ value: true, reason: 'STATIC' });
  expect(e.resolveString('b', '')).toMatchObject({ value: 'X' });
  expect(e.resolveNumber('b', 1)).toMatchObject({ value: 1, errorCode: 'TYPE_MISMATCH' });
  expect(e.resolveObject('b', {})).toMatchObject({ errorCode: 'TYPE_MISMATCH' });
  expect(e.setConfiguration(JSON.stringify(doc('off')), { source: 'f.json' })).toEqual({
    added: [],
    removed: [],
    changed: ['a'],
  });
  expect(e.resolveAll().get('a')).toMatchObject({ value: false });
  expect(e.explain('a').trace.reason).toBe('STATIC');
});

test('a rejected configuration throws ConfigurationError and keeps the last good snapshot', () => {
  const e = createEvaluator();
  e.setConfiguration(doc('on'));
  const before = e.snapshot;
  let caught: unknown;
  try {
    e.setConfiguration('{"flags": {"a": ', { source: 'broken.json' });
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ConfigurationError);
  expect(caught).toBeInstanceOf(SwitchyardError);
  const error = caught as ConfigurationError;
  expect(error.code).toBe('CONFIGURATION_INVALID');
  expect(error.message).toMatch(
    /^CONFIGURATION_INVALID: 1 error\(s\) in the flag configuration; first: broken\.json:1:17: error SYNTAX/,
  );
  expect(error.diagnostics[0]).toMatchObject({
    code: 'SYNTAX',
    file: 'broken.json',
    line: 1,
    column: 17,
  });
  expect(error.name).toBe('ConfigurationError');
  expect(e.snapshot).toBe(before);
  expect(new ConfigurationError([], { cause: 'x' }).cause).toBe('x');
});
