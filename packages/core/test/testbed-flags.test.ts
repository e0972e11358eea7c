// The daemon's behaviour on the conformance flags (open-feature/flagd-testbed:flags/edge-case-flags.json and
// evaluator-refs.json; docs/adr/0002): with targetingErrors 'isolate' the configuration is
// accepted, uncompilable targeting gives PARSE_ERROR, operator-argument problems are warnings
// and evaluate to null (→ the default variant). Strict 'reject' refuses the same files.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSnapshot, evaluate, explain, parseFlags } from '../src/index.js';
import { testbedDir } from './support/paths.js';

const read = (name: string) => readFileSync(join(testbedDir(), 'flags', name), 'utf8');

describe('edge-case-flags.json', () => {
  const text = read('edge-case-flags.json');
  const parsed = parseFlags(text, { source: 'edge-case-flags.json', targetingErrors: 'isolate' });
  const snap = createSnapshot(parsed.configuration!).snapshot;

  test('strict reject refuses it; isolate accepts it with one error and warnings', () => {
    expect(parseFlags(text).ok).toBe(false);
    expect(parsed.ok).toBe(true);
    const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => [d.flagKey, d.code])).toEqual([
      ['error-targeting-flag', 'UNKNOWN_OPERATOR'],
    ]);
    expect(parsed.diagnostics.filter((d) => d.severity === 'warning').length).toBeGreaterThan(0);
  });

  test.each([
    ['targeting-null-variant-flag', 3, 2, 'DEFAULT', undefined],
    ['error-targeting-flag', 3, 3, 'ERROR', 'PARSE_ERROR'],
    ['missing-variant-targeting-flag', 3, 3, 'ERROR', 'GENERAL'],
    ['non-string-variant-targeting-flag', 3, 2, 'TARGETING_MATCH', undefined],
    ['empty-targeting-flag', 3, 1, 'STATIC', undefined],
    ['targeting-null-flag', 3, 2, 'DEFAULT', undefined],
  ] as const)('%s', (key, fallback, value, reason, errorCode) => {
    // As in targeting.feature, these are evaluated without a context (no targetingKey).
    const r = evaluate(snap, { flagKey: key, type: 'number', defaultValue: fallback });
    expect(r.value).toBe(value);
    expect(r.reason).toBe(reason);
    expect(r.errorCode).toBe(errorCode);
  });

  test.each([
    ['semver-invalid-version-flag', { version: 'not.a.version' }],
    ['semver-invalid-operator-flag', { version: '1.0.0' }],
    ['semver-wrong-args-flag', { version: '1.0.0' }],
    ['starts-with-non-string-flag', { num: 3 }],
    ['ends-with-non-string-flag', { num: 3 }],
    ['starts-with-wrong-args-flag', {}],
    ['ends-with-wrong-args-flag', {}],
    ['fractional-null-bucket-key-flag', {}],
    ['fractional-zero-weights-flag', { targetingKey: 'user-1' }],
  ])('operator errors return null → "fallback", DEFAULT: %s', (key, context) => {
    expect(
      evaluate(snap, { flagKey: key, type: 'string', defaultValue: 'wrong', context }),
    ).toMatchObject({
      value: 'fallback',
      reason: 'DEFAULT',
    });
  });

  test('a negative fractional weight is clamped to 0', () => {
    expect(
      evaluate(snap, {
        flagKey: 'fractional-negative-weight-flag',
        type: 'string',
        defaultValue: 'wrong',
        context: { targetingKey: 'u' },
      }),
    ).toMatchObject({
      value: 'two',
      reason: 'TARGETING_MATCH',
    });
  });
});

describe('evaluator-refs.json', () => {
  const parsed = parseFlags(read('evaluator-refs.json'), {
    source: 'evaluator-refs.json',
    targetingErrors: 'isolate',
  });
  const snap = createSnapshot(parsed.configuration!).snapshot;
  test.each([
    'some-email-targeted-flag',
    'ref-whitespace-compact-flag',
    'ref-whitespace-space-after-colon-flag',
    'ref-whitespace-space-around-colon-flag',
  ])('%s resolves its $ref whatever the whitespace', (key) => {
    const r = evaluate(snap, {
      flagKey: key,
      type: 'string',
      defaultValue: 'x',
      context: { email: 'ballmer@macrosoft.com' },
    });
    expect(r).toMatchObject({ value: 'hi', reason: 'TARGETING_MATCH' });
    expect(
      evaluate(snap, {
        flagKey: key,
        type: 'string',
        defaultValue: 'x',
        context: { email: 'someone@else.com' },
      }).value,
    ).toBe('bye');
  });
  test('ref-to-nonexistent-evaluator-flag → PARSE_ERROR with the caller default', () => {
    expect(
      evaluate(snap, {
        flagKey: 'ref-to-nonexistent-evaluator-flag',
        type: 'string',
        defaultValue: 'x',
      }),
    ).toMatchObject({
      value: 'x',
      reason: 'ERROR',
      errorCode: 'PARSE_ERROR',
    });
  });
  test('explain wraps the rule trace with the chosen variant and why', () => {
    const { result, trace } = explain(snap, {
      flagKey: 'some-email-targeted-flag',
      context: {
        email: 'ballmer@macrosoft.com',
      },
    });
    expect(result).toMatchObject({ value: 'hi', variant: 'hi', reason: 'TARGETING_MATCH' });
    expect(trace).toMatchObject({
      flagKey: 'some-email-targeted-flag',
      state: 'ENABLED',
      variant: 'hi',
      reason: 'TARGETING_MATCH',
      ruleResult: 'hi',
    });
    expect(trace.rule).toMatchObject({ op: 'if', result: 'hi' });
    expect(trace.why).toBe('targeting returned "hi" → variant "hi"');
  });
});
