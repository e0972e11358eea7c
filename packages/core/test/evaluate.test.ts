// Evaluation results exactly as flagd gives them: the order of evaluation, reasons and error
// codes of open-feature/flagd:core/pkg/evaluator/json.go and of open-feature/js-sdk-contrib:libs/shared/flagd-core (src/lib/feature-flag.ts).
// Rules here go through the fake compiler (test/support/fake-compiler.ts) so each raw rule
// result is chosen precisely; JSONLogic itself is tested in test/targeting.
import { createSnapshot, evaluate, evaluateAll, evaluateAny, parseFlags } from '../src/index.js';
import type { FlagSnapshot, JsonValue } from '../src/index.js';

jest.mock('../src/targeting-compiler.js', () => require('./support/fake-compiler.js'));

function snapshotOf(doc: JsonValue): FlagSnapshot {
  const parsed = parseFlags(doc, { mode: 'isolating' });
  if (!parsed.ok || !parsed.configuration) throw new Error(JSON.stringify(parsed.diagnostics));
  return createSnapshot(parsed.configuration).snapshot;
}

const flag = (extra: Record<string, JsonValue>) => ({
  state: 'ENABLED',
  variants: { one: 1, two: 2 },
  defaultVariant: 'two',
  ...extra,
});

const snap = snapshotOf({
  metadata: { flagSetId: 'set-a', team: 'web' },
  flags: {
    static: flag({ metadata: { owner: 'me' } }),
    disabled: flag({ state: 'DISABLED' }),
    'no-default': flag({ defaultVariant: null }),
    'empty-default': flag({ defaultVariant: '' }),
    'null-result': flag({ targeting: { $return: null } }),
    'null-result-no-default': flag({ defaultVariant: null, targeting: { $return: null } }),
    'match-default': flag({ targeting: { $return: 'two' } }),
    'match-one': flag({ targeting: { $return: 'one' } }),
    'bool-name': {
      state: 'ENABLED',
      variants: { true: 'T', false: 'F' },
      defaultVariant: 'false',
      targeting: { $return: true },
    },
    'number-name': {
      state: 'ENABLED',
      variants: { '1': 'a', '2.5': 'b' },
      defaultVariant: '1',
      targeting: { $return: 2.5 },
    },
    'spaced-name': {
      state: 'ENABLED',
      variants: { ' x ': 'spaced', x: 'plain' },
      defaultVariant: 'x',
      targeting: { $return: ' x ' },
    },
    'object-result': flag({ targeting: { $return: { one: 1 } } }),
    'array-result': flag({ targeting: { $return: ['one'] } }),
    'missing-variant': flag({ targeting: { $return: 'three' } }),
    'bad-operator': flag({ targeting: { invalid: ['this is not valid targeting'] } }),
    throws: flag({ targeting: { $throw: 'boom' } }),
    'flag-key': {
      state: 'ENABLED',
      variants: { 'flag-key': 'yes', other: 'no' },
      defaultVariant: 'other',
      targeting: { $flagKey: 0 },
    },
    timestamp: {
      state: 'ENABLED',
      variants: { '1700000000': 'then', other: 'no' },
      defaultVariant: 'other',
      targeting: { $timestamp: 0 },
    },
    context: {
      state: 'ENABLED',
      variants: { a: 'A', b: 'B', c: 'C' },
      defaultVariant: 'c',
      targeting: { $context: 'pick' },
    },
    object: { state: 'ENABLED', variants: { o: { deep: [1] }, arr: [1, 2] }, defaultVariant: 'o' },
    array: { state: 'ENABLED', variants: { arr: [1, 2] }, defaultVariant: 'arr' },
  },
});

describe('flagd results (reasons and error codes)', () => {
  test('FLAG_NOT_FOUND carries the flag-set metadata', () => {
    const r = evaluate(snap, { flagKey: 'nope', type: 'number', defaultValue: 7 });
    expect(r).toEqual({
      value: 7,
      reason: 'ERROR',
      errorCode: 'FLAG_NOT_FOUND',
      errorMessage: expect.stringContaining('nope'),
      flagMetadata: { flagSetId: 'set-a', team: 'web' },
    });
    const empty = createSnapshot([]).snapshot;
    expect(
      evaluate(empty, { flagKey: 'nope', type: 'number', defaultValue: 7 }).flagMetadata,
    ).toEqual({});
  });

  test('STATIC serves the default variant with merged metadata (the flag wins)', () => {
    expect(evaluate(snap, { flagKey: 'static', type: 'number', defaultValue: 0 })).toEqual({
      value: 2,
      variant: 'two',
      reason: 'STATIC',
      flagMetadata: { flagSetId: 'set-a', team: 'web', owner: 'me' },
    });
  });

  test('DISABLED gives the caller default, no variant, no error', () => {
    const r = evaluate(snap, { flagKey: 'disabled', type: 'number', defaultValue: 9 });
    expect(r).toEqual({
      value: 9,
      reason: 'DISABLED',
      flagMetadata: { flagSetId: 'set-a', team: 'web' },
    });
    expect(evaluateAny(snap, { flagKey: 'disabled' }).value).toBeUndefined();
  });

  test.each(['no-default', 'empty-default'])(
    'no default variant (%s): code default, reason DEFAULT',
    (key) => {
      expect(evaluate(snap, { flagKey: key, type: 'number', defaultValue: 5 })).toEqual({
        value: 5,
        reason: 'DEFAULT',
        flagMetadata: expect.any(Object),
      });
      expect(evaluateAny(snap, { flagKey: key })).toMatchObject({
        value: undefined,
        reason: 'DEFAULT',
      });
      expect(snap.get(key)?.defaultVariant).toBeUndefined();
    },
  );

  test('targeting null → DEFAULT with the default variant, or the code default', () => {
    expect(
      evaluate(snap, { flagKey: 'null-result', type: 'number', defaultValue: 0 }),
    ).toMatchObject({
      value: 2,
      variant: 'two',
      reason: 'DEFAULT',
    });
    const r = evaluate(snap, {
      flagKey: 'null-result-no-default',
      type: 'number',
      defaultValue: 4,
    });
    expect(r).toEqual({ value: 4, reason: 'DEFAULT', flagMetadata: expect.any(Object) });
  });

  test('TARGETING_MATCH even when the match is the default variant', () => {
    expect(
      evaluate(snap, { flagKey: 'match-default', type: 'number', defaultValue: 0 }),
    ).toMatchObject({
      value: 2,
      variant: 'two',
      reason: 'TARGETING_MATCH',
    });
    expect(evaluate(snap, { flagKey: 'match-one', type: 'number', defaultValue: 0 })).toMatchObject(
      {
        value: 1,
        variant: 'one',
        reason: 'TARGETING_MATCH',
      },
    );
  });

  test('non-string results become variant names: true → "true", 2.5 → "2.5"', () => {
    expect(
      evaluate(snap, { flagKey: 'bool-name', type: 'string', defaultValue: '' }),
    ).toMatchObject({
      value: 'T',
      variant: 'true',
      reason: 'TARGETING_MATCH',
    });
    expect(
      evaluate(snap, { flagKey: 'number-name', type: 'string', defaultValue: '' }),
    ).toMatchObject({
      value: 'b',
      variant: '2.5',
    });
  });

  test('a string result is used as the variant name as is (flagd JSON-quotes it, so spaces stay)', () => {
    expect(
      evaluate(snap, { flagKey: 'spaced-name', type: 'string', defaultValue: '' }),
    ).toMatchObject({
      value: 'spaced',
      variant: ' x ',
    });
  });

  test.each(['object-result', 'array-result', 'missing-variant'])(
    '%s → ERROR/GENERAL with flag metadata',
    (key) => {
      const r = evaluate(snap, { flagKey: key, type: 'number', defaultValue: 3 });
      expect(r).toMatchObject({ value: 3, reason: 'ERROR', errorCode: 'GENERAL' });
      expect(r.variant).toBeUndefined();
      expect(r.flagMetadata).toEqual({ flagSetId: 'set-a', team: 'web' });
    },
  );

  test('targeting that does not compile → ERROR/PARSE_ERROR for that flag only', () => {
    expect(
      evaluate(snap, { flagKey: 'bad-operator', type: 'number', defaultValue: 3 }),
    ).toMatchObject({
      value: 3,
      reason: 'ERROR',
      errorCode: 'PARSE_ERROR',
    });
    expect(evaluate(snap, { flagKey: 'static', type: 'number', defaultValue: 3 }).reason).toBe(
      'STATIC',
    );
  });

  test('a rule that throws → ERROR/GENERAL; nothing escapes evaluate', () => {
    expect(() =>
      evaluate(snap, { flagKey: 'throws', type: 'number', defaultValue: 3 }),
    ).not.toThrow();
    expect(evaluate(snap, { flagKey: 'throws', type: 'number', defaultValue: 3 })).toMatchObject({
      value: 3,
      errorCode: 'GENERAL',
      errorMessage: expect.stringContaining('boom'),
    });
  });

  test('wrong type → TYPE_MISMATCH; object accepts objects and arrays', () => {
    expect(evaluate(snap, { flagKey: 'static', type: 'string', defaultValue: 'x' })).toMatchObject({
      value: 'x',
      reason: 'ERROR',
      errorCode: 'TYPE_MISMATCH',
    });
    expect(
      evaluate(snap, { flagKey: 'match-one', type: 'boolean', defaultValue: false }),
    ).toMatchObject({
      errorCode: 'TYPE_MISMATCH',
    });
    expect(
      evaluate(snap, { flagKey: 'null-result', type: 'boolean', defaultValue: false }),
    ).toMatchObject({
      errorCode: 'TYPE_MISMATCH',
    });
    expect(evaluate(snap, { flagKey: 'object', type: 'object', defaultValue: {} })).toMatchObject({
      value: { deep: [1] },
      reason: 'STATIC',
    });
    expect(evaluate(snap, { flagKey: 'array', type: 'object', defaultValue: {} })).toMatchObject({
      value: [1, 2],
      reason: 'STATIC',
    });
    expect(evaluate(snap, { flagKey: 'static', type: 'object', defaultValue: {} })).toMatchObject({
      errorCode: 'TYPE_MISMATCH',
    });
  });

  test('$flagd.flagKey and $flagd.timestamp (seconds, from options.now) reach the rule', () => {
    expect(evaluate(snap, { flagKey: 'flag-key', type: 'string', defaultValue: '' }).value).toBe(
      'yes',
    );
    expect(
      evaluate(
        snap,
        { flagKey: 'timestamp', type: 'string', defaultValue: '', context: {} },
        { now: () => 1_700_000_000_999 },
      ).value,
    ).toBe('then');
  });

  test('baseContext is the lowest precedence: the caller context wins', () => {
    expect(
      evaluate(
        snap,
        { flagKey: 'context', type: 'string', defaultValue: '', context: { pick: 'a' } },
        { baseContext: { pick: 'b' } },
      ).value,
    ).toBe('A');
    expect(
      evaluate(
        snap,
        { flagKey: 'context', type: 'string', defaultValue: '', context: {} },
        { baseContext: { pick: 'b' } },
      ).value,
    ).toBe('B');
    expect(evaluate(snap, { flagKey: 'context', type: 'string', defaultValue: '' }).variant).toBe(
      'c',
    );
  });

  test('static results are precomputed and frozen (no allocation per call)', () => {
    const a = evaluate(snap, { flagKey: 'static', type: 'number', defaultValue: 0 });
    expect(evaluate(snap, { flagKey: 'static', type: 'number', defaultValue: 1 })).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    expect(
      Object.isFrozen(
        evaluate(snap, { flagKey: 'object', type: 'object', defaultValue: {} }).value,
      ),
    ).toBe(true);
  });

  test('evaluateAll returns every flag, untyped', () => {
    const all = evaluateAll(snap);
    expect(all.size).toBe(snap.size);
    expect(all.get('static')).toMatchObject({ value: 2, reason: 'STATIC' });
    expect(all.get('disabled')).toMatchObject({ value: undefined, reason: 'DISABLED' });
    expect(all.get('bad-operator')).toMatchObject({ value: undefined, errorCode: 'PARSE_ERROR' });
  });

  test('a foreign object passed as snapshot gives GENERAL, not a throw', () => {
    const fake = {
      size: 0,
      has: () => false,
      get: () => undefined,
      keys: () => [].values(),
      metadata: {},
    };
    expect(evaluate(fake, { flagKey: 'x', type: 'boolean', defaultValue: true })).toMatchObject({
      value: true,
      errorCode: 'GENERAL',
    });
  });
});
