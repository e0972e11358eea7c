// The flag model as flagd reads it (open-feature/flagd:core/pkg/evaluator/json.go: top level, per flag, $ref, YAML) and as
// open-feature/js-sdk-contrib:libs/shared/flagd-core stores it (set metadata merged under the flag's, ''/null defaultVariant).
import { createSnapshot, evaluate, parseFlags } from '../src/index.js';
import type { JsonValue, ParseOptions } from '../src/index.js';

jest.mock('../src/targeting-compiler.js', () => require('./support/fake-compiler.js'));

const ok = (input: string | JsonValue, options?: ParseOptions) => {
  const r = parseFlags(input, options);
  if (!r.ok || !r.configuration) throw new Error(JSON.stringify(r.diagnostics, null, 2));
  return r.configuration;
};
const codes = (input: string | JsonValue, options?: ParseOptions) =>
  parseFlags(input, options).diagnostics.map((d) => d.code);

const bool = { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'on' };

describe('forms (top level)', () => {
  test('object form keeps document order; $schema is ignored without a warning', () => {
    const c = ok({
      $schema: 'https://flagd.dev/schema/v0/flags.json',
      flags: { b: bool, a: bool },
    });
    expect(c.flags.map((f) => f.key)).toEqual(['b', 'a']);
    expect(parseFlags({ $schema: 'x', flags: {} }).diagnostics).toEqual([]);
  });

  test('array form with `key` is accepted by the flagd schema and rejected by flags.json', () => {
    const doc = { flags: [{ key: 'x', ...bool }] };
    expect(ok(doc).flags[0]?.key).toBe('x');
    const strictFlags = parseFlags(doc, { schema: 'flags' });
    expect(strictFlags.ok).toBe(false);
    expect(strictFlags.diagnostics[0]).toMatchObject({
      code: 'FLAGS_ARRAY_NOT_ALLOWED',
      path: 'flags',
    });
  });

  test('array form: a flag without key is an error (dropped in isolating mode)', () => {
    const doc = { flags: [{ ...bool }, { key: 'y', ...bool }] };
    expect(parseFlags(doc).ok).toBe(false);
    expect(codes(doc)).toEqual(['FLAG_KEY_MISSING']);
    expect(ok(doc, { mode: 'isolating' }).flags.map((f) => f.key)).toEqual(['y']);
  });

  test('the same key in two flag sets of one array document is allowed; twice in one set is not', () => {
    const twoSets = {
      flags: [
        { key: 'x', ...bool, metadata: { flagSetId: 'a' } },
        { key: 'x', ...bool, metadata: { flagSetId: 'b' } },
      ],
    };
    expect(ok(twoSets).flags.map((f) => f.flagSetId)).toEqual(['a', 'b']);
    const dup = {
      flags: [
        { key: 'x', ...bool },
        { key: 'x', ...bool },
      ],
    };
    expect(parseFlags(dup).diagnostics[0]).toMatchObject({
      code: 'DUPLICATE_FLAG',
      path: 'flags[1]',
      flagKey: 'x',
    });
  });

  test('YAML input, by extension and by sniffing', () => {
    const yaml =
      'flags:\n  my-flag:\n    state: ENABLED\n    variants: { on: true, off: false }\n    defaultVariant: "off"\n';
    expect(ok(yaml, { source: 'flags.yaml' }).flags[0]).toMatchObject({
      key: 'my-flag',
      defaultVariant: 'off',
    });
    expect(ok(yaml).flags[0]?.variants).toEqual({ on: true, off: false });
    expect(ok(JSON.stringify({ flags: { a: bool } }), { source: 'x.yml' }).flags[0]?.key).toBe('a');
  });

  test('formatting does not change the content hash', () => {
    const compact = JSON.stringify({ flags: { a: bool } });
    const pretty = JSON.stringify(
      {
        flags: {
          a: { variants: { off: false, on: true }, defaultVariant: 'on', state: 'ENABLED' },
        },
      },
      null,
      4,
    );
    expect(ok(compact).flags[0]?.contentHash).toBe(ok(pretty).flags[0]?.contentHash);
    expect(ok(pretty).flags[0]?.contentHash).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('per flag', () => {
  test.each([
    ['null', null],
    ['empty string', ''],
    ['missing', undefined],
  ])('defaultVariant %s → undefined (code default)', (_, dv) => {
    const f = {
      state: 'ENABLED',
      variants: { on: true },
      ...(dv === undefined ? {} : { defaultVariant: dv }),
    };
    expect(ok({ flags: { f } }).flags[0]?.defaultVariant).toBeUndefined();
  });

  test('state ENABLED / DISABLED; anything else is an error; missing warns and acts as enabled', () => {
    expect(ok({ flags: { f: { ...bool, state: 'DISABLED' } } }).flags[0]?.state).toBe('DISABLED');
    expect(
      parseFlags({ flags: { f: { ...bool, state: 'WILL-FAIL' } } }).diagnostics[0],
    ).toMatchObject({
      code: 'STATE_INVALID',
      path: 'flags.f.state',
      flagKey: 'f',
    });
    const { state: _, ...noState } = bool;
    const r = parseFlags({ flags: { f: noState } });
    expect(r.ok).toBe(true);
    expect(r.diagnostics[0]).toMatchObject({ severity: 'warning', code: 'STATE_MISSING' });
    expect(r.configuration?.flags[0]?.state).toBe('ENABLED');
  });

  test('targeting {} means no targeting (STATIC)', () => {
    const c = ok({ flags: { f: { ...bool, targeting: {} } } });
    expect(c.flags[0]?.targeting).toBeUndefined();
    expect(
      evaluate(createSnapshot(c).snapshot, { flagKey: 'f', type: 'boolean', defaultValue: false })
        .reason,
    ).toBe('STATIC');
  });

  test('unknown per-flag keys (such as `source` in a sync payload) are accepted silently', () => {
    const r = parseFlags({ flags: { f: { ...bool, source: 'file.json', defaultVariant: '' } } });
    expect(r.ok).toBe(true);
    expect(r.diagnostics).toEqual([]);
  });

  test('unknown top-level keys warn', () => {
    const r = parseFlags({ flags: {}, extra: 1 });
    expect(r.ok).toBe(true);
    expect(r.diagnostics).toEqual([
      expect.objectContaining({ severity: 'warning', code: 'UNKNOWN_KEY', path: 'extra' }),
    ]);
  });

  test('"flags": null clears (as flagd does) with a warning', () => {
    const r = parseFlags({ flags: null });
    expect(r.ok).toBe(true);
    expect(r.configuration?.flags).toEqual([]);
  });
});

describe('metadata', () => {
  const doc = {
    metadata: { flagSetId: 'set', version: '1', shared: 'set', n: 1 },
    flags: {
      own: { ...bool, metadata: { shared: 'flag', flagSetId: 'mine' } },
      inherit: bool,
    },
  };
  test('set metadata merged under the flag metadata; the flag wins; flagSetId inherited or own', () => {
    const [own, inherit] = ok(doc).flags;
    expect(own?.metadata).toEqual({ flagSetId: 'mine', version: '1', shared: 'flag', n: 1 });
    expect(own?.flagSetId).toBe('mine');
    expect(inherit?.metadata).toEqual({ flagSetId: 'set', version: '1', shared: 'set', n: 1 });
    expect(inherit?.flagSetId).toBe('set');
    expect(ok(doc).metadata).toEqual(doc.metadata);
  });
  test('no metadata anywhere → {} and no flagSetId', () => {
    const f = ok({ flags: { f: bool } }).flags[0];
    expect(f?.metadata).toEqual({});
    expect(f?.flagSetId).toBeUndefined();
  });
});

describe('$ref on the parsed tree (flagd-testbed evaluator-refs.json)', () => {
  const texts = [
    '{"$ref":"is_x"}',
    '{"$ref": "is_x"}',
    '{ "$ref" : "is_x" }',
    '{\n  "$ref"\n  :\n  "is_x"\n}',
  ];
  test.each(texts)('whitespace never matters: %j', (ref) => {
    const text = `{"$evaluators": {"is_x": {"$return": "on"}}, "flags": {"f": {"state": "ENABLED",
      "variants": {"on": true, "off": false}, "defaultVariant": "off", "targeting": ${ref}}}}`;
    const c = ok(text);
    expect(c.flags[0]?.targeting).toEqual({ $return: 'on' });
    expect(
      evaluate(createSnapshot(c).snapshot, { flagKey: 'f', type: 'boolean', defaultValue: false }),
    ).toMatchObject({
      value: true,
      reason: 'TARGETING_MATCH',
    });
  });

  test('refs nested inside a rule and inside evaluators are resolved', () => {
    const c = ok({
      $evaluators: { a: { $ref: 'b' }, b: { $return: 'on' } },
      flags: { f: { ...bool, targeting: { $ref: 'a' } } },
    });
    expect(c.flags[0]?.targeting).toEqual({ $return: 'on' });
  });

  test('an unknown $ref makes that flag unusable: PARSE_ERROR when isolating, error in strict', () => {
    const doc = {
      $evaluators: { known: { $return: 'on' } },
      flags: {
        good: { ...bool, targeting: { $ref: 'known' } },
        bad: { ...bool, targeting: { if: [{ $ref: 'nonexistent_evaluator' }, 'on', 'off'] } },
      },
    };
    const strict = parseFlags(doc);
    expect(strict.ok).toBe(false);
    expect(strict.diagnostics[0]).toMatchObject({
      code: 'REF_UNKNOWN',
      flagKey: 'bad',
      path: 'flags.bad.targeting.if[0]',
    });
    for (const options of [{ mode: 'isolating' }, { targetingErrors: 'isolate' }] as const) {
      const snap = createSnapshot(ok(doc, options)).snapshot;
      expect(
        evaluate(snap, { flagKey: 'bad', type: 'boolean', defaultValue: false }),
      ).toMatchObject({
        value: false,
        reason: 'ERROR',
        errorCode: 'PARSE_ERROR',
      });
      expect(
        evaluate(snap, { flagKey: 'good', type: 'boolean', defaultValue: false }),
      ).toMatchObject({
        value: true,
        reason: 'TARGETING_MATCH',
      });
    }
  });

  test('a $ref cycle is a clear error, not a hang', () => {
    const r = parseFlags({
      $evaluators: { a: { $ref: 'b' }, b: { $ref: 'a' } },
      flags: { f: { ...bool, targeting: { $ref: 'a' } } },
    });
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0]?.code).toBe('REF_CYCLE');
  });
});

describe('modes (docs/architecture.md ParseOptions, docs/adr/0002)', () => {
  const doc = {
    flags: {
      good: bool,
      'bad-structure': { ...bool, defaultVariant: 'nope' },
      'bad-targeting': { ...bool, targeting: { invalid: [1] } },
      'odd-argument': { ...bool, targeting: { $warn: 'on' } },
    },
  };
  test('strict (default) rejects on any error, including compiler warnings promoted to errors', () => {
    const r = parseFlags(doc);
    expect(r.ok).toBe(false);
    expect(r.configuration).toBeUndefined();
    expect(r.diagnostics.map((d) => [d.severity, d.code])).toEqual([
      ['error', 'DEFAULT_VARIANT_UNKNOWN'],
      ['error', 'UNKNOWN_OPERATOR'],
      ['error', 'BAD_ARGUMENT'],
    ]);
  });
  test('strict + targetingErrors:isolate rejects structure but keeps uncompilable targeting', () => {
    expect(parseFlags(doc, { targetingErrors: 'isolate' }).ok).toBe(false);
    const { 'bad-structure': _, ...rest } = doc.flags;
    const r = parseFlags({ flags: rest }, { targetingErrors: 'isolate' });
    expect(r.ok).toBe(true);
    expect(r.diagnostics.map((d) => [d.severity, d.code])).toEqual([
      ['error', 'UNKNOWN_OPERATOR'],
      ['warning', 'BAD_ARGUMENT'],
    ]);
    const bad = r.configuration?.flags.find((f) => f.key === 'bad-targeting');
    expect(bad?.error).toMatchObject({ code: 'UNKNOWN_OPERATOR', flagKey: 'bad-targeting' });
    const snap = createSnapshot(r.configuration!).snapshot;
    expect(
      evaluate(snap, { flagKey: 'odd-argument', type: 'boolean', defaultValue: false }),
    ).toMatchObject({
      value: true,
      reason: 'TARGETING_MATCH',
    });
  });
  test('isolating: a bad flag carries error (PARSE_ERROR), the others evaluate', () => {
    const r = parseFlags(doc, { mode: 'isolating' });
    expect(r.ok).toBe(true);
    const snap = createSnapshot(r.configuration!).snapshot;
    expect(
      evaluate(snap, { flagKey: 'bad-structure', type: 'boolean', defaultValue: false }),
    ).toMatchObject({
      errorCode: 'PARSE_ERROR',
    });
    expect(
      evaluate(snap, { flagKey: 'bad-targeting', type: 'boolean', defaultValue: false }),
    ).toMatchObject({
      errorCode: 'PARSE_ERROR',
    });
    expect(evaluate(snap, { flagKey: 'good', type: 'boolean', defaultValue: false }).reason).toBe(
      'STATIC',
    );
  });
  test('isolating still rejects document-level errors', () => {
    for (const bad of [
      [],
      'x',
      { flags: 3 },
      {},
      { flags: {}, $evaluators: [] },
      { flags: {}, metadata: { a: {} } },
    ]) {
      expect(parseFlags(bad as JsonValue, { mode: 'isolating' }).ok).toBe(false);
    }
  });
});
