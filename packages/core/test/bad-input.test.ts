// Every kind of bad input gives a clear diagnostic and nothing throws: truncated JSON, wrong
// types, unknown operator, bad $ref, 100-level nesting, a 10 MB rule, __proto__ keys.
// Diagnostics name file, flag, path, line and column.
import { createSnapshot, evaluate, formatDiagnostic, parseFlags } from '../src/index.js';
import type { Diagnostic, JsonValue, ParseOptions } from '../src/index.js';

function rejected(input: string | JsonValue, options?: ParseOptions): Diagnostic {
  let result: ReturnType<typeof parseFlags> | undefined;
  expect(() => {
    result = parseFlags(input, options);
  }).not.toThrow();
  expect(result?.ok).toBe(false);
  const first = result?.diagnostics.find((d) => d.severity === 'error');
  expect(first).toBeDefined();
  return first as Diagnostic;
}

const flag = (extra: Record<string, JsonValue> = {}) => ({
  state: 'ENABLED',
  variants: { on: true, off: false },
  defaultVariant: 'on',
  ...extra,
});

describe('syntax errors carry line and column', () => {
  test('truncated JSON', () => {
    const text = '{\n  "flags": {\n    "a": {"state": "ENABLED",\n      "variants": {"on": true}';
    const d = rejected(text, { source: 'flags.json' });
    expect(d).toMatchObject({ code: 'SYNTAX', file: 'flags.json', line: 4, column: 31 });
    expect(formatDiagnostic(d)).toBe(
      'flags.json:4:31: error SYNTAX: invalid JSON: Unexpected end of input: unclosed object',
    );
  });
  test.each([
    ['{"flags": {"a": 1,}}', 1, 19, 'Trailing comma'],
    ['{"flags": {\n"a": tru}}', 2, 6, 'expected true'],
    ['{"flags": {} } x', 1, 16, 'after the end'],
    ['{"flags": {"a": "line\nbreak"}}', 1, 22, 'control character'],
  ])('%j', (text, line, column, message) => {
    const d = rejected(text);
    expect(d).toMatchObject({ code: 'SYNTAX', line, column });
    expect(d.message).toContain(message);
  });
  test('YAML syntax and duplicate keys', () => {
    expect(rejected('flags:\n  a: [1, 2\n  b: 3', { source: 'f.yaml' })).toMatchObject({
      code: 'SYNTAX',
      file: 'f.yaml',
      line: 3,
    });
    expect(rejected('flags:\n  a: {}\n  a: {}\n', { source: 'f.yaml' })).toMatchObject({
      code: 'SYNTAX',
      line: 3,
    });
  });
  test('empty input', () => {
    expect(rejected('')).toMatchObject({ code: 'SYNTAX' });
  });
});

describe('structural problems name flag, path and position', () => {
  const text = JSON.stringify(
    { flags: { ok: flag(), 'my-flag': flag({ defaultVariant: 'missing' }) } },
    null,
    2,
  );
  test('defaultVariant not among the variants', () => {
    const d = rejected(text, { source: 'flags.json' });
    expect(d).toMatchObject({
      code: 'DEFAULT_VARIANT_UNKNOWN',
      flagKey: 'my-flag',
      path: 'flags.my-flag.defaultVariant',
      file: 'flags.json',
      line: 17,
      column: 25,
    });
    expect(d.message).toContain('"missing"');
  });
  test.each<[string, JsonValue, string, string]>([
    ['document not an object', [1], 'DOCUMENT_NOT_OBJECT', ''],
    ['flags missing', { metadata: {} }, 'FLAGS_MISSING', ''],
    ['flags a string', { flags: 'x' }, 'FLAGS_INVALID', 'flags'],
    ['flag not an object', { flags: { f: 3 } }, 'FLAG_NOT_OBJECT', 'flags.f'],
    ['variants missing', { flags: { f: { state: 'ENABLED' } } }, 'VARIANTS_MISSING', 'flags.f'],
    [
      'variants empty',
      { flags: { f: flag({ variants: {} }) } },
      'VARIANTS_EMPTY',
      'flags.f.variants',
    ],
    [
      'variants an array',
      { flags: { f: flag({ variants: [true] }) } },
      'VARIANTS_INVALID',
      'flags.f.variants',
    ],
    [
      'mixed variant types',
      { flags: { f: flag({ variants: { on: true, off: 'no' } }) } },
      'VARIANT_TYPES_MIXED',
      'flags.f.variants.off',
    ],
    [
      'defaultVariant a number',
      { flags: { f: flag({ defaultVariant: 1 }) } },
      'DEFAULT_VARIANT_INVALID',
      'flags.f.defaultVariant',
    ],
    [
      'state lowercase',
      { flags: { f: flag({ state: 'enabled' }) } },
      'STATE_INVALID',
      'flags.f.state',
    ],
    [
      'flag metadata an array',
      { flags: { f: flag({ metadata: [] }) } },
      'METADATA_INVALID',
      'flags.f.metadata',
    ],
    [
      'flag metadata value object',
      { flags: { f: flag({ metadata: { a: {} } }) } },
      'METADATA_VALUE_INVALID',
      'flags.f.metadata.a',
    ],
    [
      'set metadata value null',
      { flags: {}, metadata: { a: null } },
      'METADATA_VALUE_INVALID',
      'metadata.a',
    ],
    [
      'set flagSetId a number',
      { flags: {}, metadata: { flagSetId: 1 } },
      'METADATA_VALUE_INVALID',
      'metadata.flagSetId',
    ],
    ['$evaluators an array', { flags: {}, $evaluators: [] }, 'EVALUATORS_INVALID', '$evaluators'],
    [
      'evaluator a string',
      { flags: {}, $evaluators: { e: 'x' } },
      'EVALUATOR_INVALID',
      '$evaluators.e',
    ],
    [
      'targeting a string',
      { flags: { f: flag({ targeting: 'on' }) } },
      'TARGETING_INVALID',
      'flags.f.targeting',
    ],
    ['empty flag key', { flags: { '': flag() } }, 'FLAG_KEY_EMPTY', 'flags[""]'],
    [
      'key with a dot',
      { flags: { 'a.b': flag({ state: 1 }) } },
      'STATE_INVALID',
      'flags["a.b"].state',
    ],
  ])('%s', (_, doc, code, path) => {
    expect(rejected(doc)).toMatchObject({ code, path });
  });
  test('an unknown operator points into the rule', () => {
    const d = rejected(
      JSON.stringify({ flags: { f: flag({ targeting: { invalid: [1] } }) } }, null, 1),
    );
    expect(d).toMatchObject({
      code: 'UNKNOWN_OPERATOR',
      flagKey: 'f',
      path: 'flags.f.targeting.invalid',
      line: 11,
      column: 16,
    });
  });
  test('a bad $ref names the evaluator', () => {
    const d = rejected({ flags: { f: flag({ targeting: { $ref: 'nope' } }) } });
    expect(d).toMatchObject({ code: 'REF_UNKNOWN', path: 'flags.f.targeting' });
    expect(d.message).toContain('"nope"');
  });
});

describe('limits: deep nesting and huge rules never overflow the stack', () => {
  const nested = (levels: number, inner: JsonValue = { var: 'x' }): JsonValue => {
    let rule: JsonValue = inner;
    for (let i = 0; i < levels; i++) rule = { '!': [rule] };
    return rule;
  };
  test('a 100-level rule is rejected with RULE_TOO_DEEP (strict) or PARSE_ERROR (isolating)', () => {
    const doc = { flags: { deep: flag({ targeting: nested(100) }), fine: flag() } };
    expect(rejected(doc)).toMatchObject({ code: 'RULE_TOO_DEEP', flagKey: 'deep' });
    const r = parseFlags(doc, { mode: 'isolating' });
    const snap = createSnapshot(r.configuration!).snapshot;
    expect(
      evaluate(snap, { flagKey: 'deep', type: 'boolean', defaultValue: false }).errorCode,
    ).toBe('PARSE_ERROR');
    expect(evaluate(snap, { flagKey: 'fine', type: 'boolean', defaultValue: false }).reason).toBe(
      'STATIC',
    );
  });
  test('100-level nesting through $ref chains is measured too', () => {
    const doc = {
      $evaluators: { e: nested(40) },
      flags: {
        f: flag({
          targeting: { and: [{ $ref: 'e' }, { $ref: 'e' }, { '!': [{ '!': [nested(30)] }] }] },
        }),
      },
    };
    expect(parseFlags(doc).diagnostics.map((d) => d.code)).toEqual([]);
    const deeper = {
      $evaluators: { e: nested(40) },
      flags: { f: flag({ targeting: nested(30, { $ref: 'e' }) }) },
    };
    expect(rejected(deeper).code).toBe('RULE_TOO_DEEP');
  });
  test('100,000-level JSON text: RULE_TOO_DEEP from the iterative check, not a RangeError', () => {
    const text = `{"flags":{"f":{"state":"ENABLED","variants":{"on":true},"targeting":${'{"!":['.repeat(100_000)}1${']}'.repeat(100_000)}}}}`;
    expect(rejected(text)).toMatchObject({ code: 'RULE_TOO_DEEP', flagKey: 'f', line: 1 });
    const variant = `{"flags":{"f":{"state":"ENABLED","variants":{"on":${'['.repeat(100_000)}${']'.repeat(100_000)}}}}}`;
    expect(rejected(variant).code).toMatch(/VALUE_TOO_DEEP|SYNTAX|INTERNAL/);
  });
  test('a 10 MB rule is rejected with RULE_TOO_LARGE', () => {
    const values = Array.from({ length: 1_100_000 }, (_, i) => `u${i}`);
    const text = JSON.stringify({
      flags: { big: flag({ targeting: { in: [{ var: 'user' }, values] } }) },
    });
    expect(text.length).toBeGreaterThan(10_000_000);
    const started = Date.now();
    const d = rejected(text, { source: 'big.json' });
    expect(d).toMatchObject({ code: 'RULE_TOO_LARGE', flagKey: 'big', line: 1 });
    expect(Date.now() - started).toBeLessThan(5_000);
  });
  test('maxBytes and maxFlags', () => {
    expect(rejected('{"flags":{}}', { limits: { maxBytes: 5 } }).code).toBe('DOCUMENT_TOO_LARGE');
    expect(rejected({ flags: { a: flag(), b: flag() } }, { limits: { maxFlags: 1 } }).code).toBe(
      'TOO_MANY_FLAGS',
    );
  });
  test('a cyclic JSON value passed in is rejected, not followed forever', () => {
    const doc: Record<string, JsonValue> = { flags: {} };
    (doc.flags as Record<string, JsonValue>).f = doc;
    expect(rejected(doc).code).toBe('DOCUMENT_CYCLIC');
  });
  test('a JSON value passed in is copied without recursion: a 10,000-deep rule costs its flag only', () => {
    let rule: JsonValue = { var: 'x' };
    for (let i = 0; i < 10_000; i++) rule = { '!': rule };
    const parsed = parseFlags(
      { flags: { deep: flag({ targeting: rule }), fine: flag() } },
      {
        mode: 'isolating',
      },
    );
    expect(parsed.ok).toBe(true);
    expect(parsed.diagnostics.map((d) => [d.code, d.flagKey])).toEqual([['RULE_TOO_DEEP', 'deep']]);
  });
  test('shared sub-values count each time they are reached (no exponential copy)', () => {
    let shared: JsonValue = [1];
    for (let i = 0; i < 40; i++) shared = [shared, shared];
    const doc = { flags: { f: flag({ metadata: { x: 1 } }) }, junk: shared };
    // 2^41 leaves reached; the copy stops at maxBytes / 8 = 10,000 values.
    expect(rejected(doc, { limits: { maxBytes: 80_000 } }).code).toBe('DOCUMENT_TOO_LARGE');
  });
});

describe('__proto__ keys stay plain keys (no prototype pollution)', () => {
  const text = `{
    "metadata": {"__proto__": "set", "team": "a"},
    "flags": {
      "__proto__": {"state": "ENABLED", "variants": {"__proto__": {"polluted": true}, "b": {"x": 1}},
        "defaultVariant": "__proto__", "metadata": {"__proto__": "flag"}}
    }
  }`;
  test('parses with warnings, evaluates, and never touches Object.prototype', () => {
    const r = parseFlags(text);
    expect(r.ok).toBe(true);
    expect(r.diagnostics.filter((d) => d.code === 'PROTOTYPE_KEY').length).toBe(4);
    const f = r.configuration!.flags[0]!;
    expect(f.key).toBe('__proto__');
    expect(Object.getPrototypeOf(f.metadata)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(f.variants)).toBe(Object.prototype);
    expect(Object.keys(f.metadata)).toEqual(['__proto__', 'team']);
    // biome-ignore lint/suspicious/noProto: the test proves `__proto__` stayed an own data key.
    expect(f.metadata.__proto__).toBe('flag');
    const snap = createSnapshot(r.configuration!).snapshot;
    expect(
      evaluate(snap, { flagKey: '__proto__', type: 'object', defaultValue: {} }),
    ).toMatchObject({
      value: { polluted: true },
      variant: '__proto__',
      reason: 'STATIC',
    });
    expect(
      evaluate(snap, { flagKey: 'constructor', type: 'object', defaultValue: {} }).errorCode,
    ).toBe('FLAG_NOT_FOUND');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
  test('a JSON value with an own __proto__ key (as JSON.parse makes it) is copied safely', () => {
    const r = parseFlags(JSON.parse(text) as JsonValue);
    expect(r.ok).toBe(true);
    expect(Object.keys(r.configuration!.flags[0]!.variants)).toEqual(['__proto__', 'b']);
  });
});
