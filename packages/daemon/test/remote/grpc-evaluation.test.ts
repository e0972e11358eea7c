// flagd.evaluation v1 and v2 over a real loopback grpc-js server, with the typed clients
// (open-feature/flagd: core/pkg/evaluator/json.go, flagd/pkg/service/flag-evaluation/; the
// contracts in open-feature/flagd-schemas:protobuf/flagd/evaluation/).
import { status } from '@grpc/grpc-js';
import { createSnapshot, evaluate, parseFlags } from '@switchyard/core';
import type { FlagValueType } from '@switchyard/core';
import { EvaluationV1ServiceDefinition, EvaluationV2ServiceDefinition } from '@switchyard/protocol';
import { FLAGS, call, startRemoteDaemon } from './helpers.js';
import type { RemoteDaemon } from './helpers.js';

let d: RemoteDaemon;
beforeAll(async () => {
  d = await startRemoteDaemon({
    contextValues: { injected: 'set' },
    contextFromHeaders: { 'X-Who': 'who', 'X-Tenant': 'tenant' },
  });
});
afterAll(() => d.close());

const v2 = () => d.v2;
const v1 = () => d.v1;

describe('v2 typed resolvers (what the official JS provider uses in RPC mode)', () => {
  test('every Resolve* answers value, reason, variant and metadata', async () => {
    // Without a selector the later source wins a key held by several (flagd store priority).
    const b = await call(v2(), v2().resolveBoolean, { flagKey: 'bool-flag' } as never);
    expect(b.response).toMatchObject({ value: false, reason: 'STATIC', variant: 'off' });
    expect(b.response?.metadata).toEqual({ flagSetId: 'team-a', owner: 'a' });
    const m = await call(v2(), v2().resolveBoolean, { flagKey: 'disabled-flag' } as never);
    expect(m.response?.metadata).toEqual({});
    const s = await call(v2(), v2().resolveString, { flagKey: 'string-flag' } as never);
    expect(s.response).toMatchObject({ value: 'hi', reason: 'STATIC', variant: 'hi' });
    const f = await call(v2(), v2().resolveFloat, { flagKey: 'float-flag' } as never);
    expect(f.response).toMatchObject({ value: 0.5, reason: 'STATIC', variant: 'half' });
    const i = await call(v2(), v2().resolveInt, { flagKey: 'int-flag' } as never);
    expect(i.response).toMatchObject({ value: 10n, reason: 'STATIC', variant: 'ten' });
    const o = await call(v2(), v2().resolveObject, { flagKey: 'object-flag' } as never);
    expect(o.response).toMatchObject({
      value: { showImages: true, title: 'Check it out' },
      reason: 'STATIC',
      variant: 'tmpl',
    });
  });

  test('ResolveInt resolves as a number and truncates (flagd json.go: float64 → int64)', async () => {
    const r = await call(v2(), v2().resolveInt, {
      flagKey: 'pi-targeted-flag',
      context: { want: 'pi' },
    } as never);
    expect(r.response).toMatchObject({ value: 3n, reason: 'TARGETING_MATCH', variant: 'pi' });
    // A float through ResolveFloat keeps its fraction.
    const f = await call(v2(), v2().resolveFloat, {
      flagKey: 'pi-targeted-flag',
      context: { want: 'pi' },
    } as never);
    expect(f.response?.value).toBe(3.7);
  });

  test('code default and DISABLED leave value and variant unset (v2 optional fields)', async () => {
    for (const [flagKey, reason] of [
      ['no-default-flag', 'DEFAULT'],
      ['null-targeting-no-default-flag', 'DEFAULT'],
      ['disabled-flag', 'DISABLED'],
    ] as const) {
      const r = await call(v2(), v2().resolveBoolean, { flagKey } as never);
      expect(r.error).toBeUndefined();
      expect(r.response?.reason).toBe(reason);
      expect(r.response?.value).toBeUndefined();
      expect(r.response?.variant).toBeUndefined();
    }
  });

  test.each([
    ['FLAG_NOT_FOUND → NOT_FOUND', 'resolveBoolean', 'missing-flag', status.NOT_FOUND],
    ['TYPE_MISMATCH → INVALID_ARGUMENT', 'resolveString', 'bool-flag', status.INVALID_ARGUMENT],
    [
      'TYPE_MISMATCH (Struct cannot hold an array)',
      'resolveObject',
      'array-flag',
      status.INVALID_ARGUMENT,
    ],
    ['PARSE_ERROR → DATA_LOSS', 'resolveBoolean', 'parse-error-flag', status.DATA_LOSS],
    ['GENERAL → UNKNOWN', 'resolveBoolean', 'missing-variant-flag', status.UNKNOWN],
  ] as const)("%s (flagd's status mapping)", async (_name, method, flagKey, code) => {
    const client = v2() as unknown as Record<string, never>;
    const r = await call(client, client[method]!, { flagKey } as never);
    expect(r.error?.code).toBe(code);
    expect(r.error?.details).toMatch(/^(FLAG_NOT_FOUND|TYPE_MISMATCH|PARSE_ERROR|GENERAL): /);
  });

  test('metadata is the flag metadata (set metadata merged, the flag wins)', async () => {
    const m = await call(v2(), v2().resolveBoolean, { flagKey: 'metadata-flag' } as never);
    expect(m.response?.metadata).toEqual({ string: 'a', integer: 1, float: 1.2, boolean: true });
    const t = await call(v2(), v2().resolveString, { flagKey: 'team-flag' } as never);
    expect(t.response?.metadata).toEqual({ flagSetId: 'team-a', owner: 'flag-wins' });
  });

  test('targeting sees the request context; TARGETING_MATCH even for the default variant', async () => {
    const hit = await call(v2(), v2().resolveString, {
      flagKey: 'targeted-flag',
      context: { email: 'ballmer@macrosoft.com' },
    } as never);
    expect(hit.response).toMatchObject({ value: 'INTERNAL', reason: 'TARGETING_MATCH' });
    const miss = await call(v2(), v2().resolveString, { flagKey: 'targeted-flag' } as never);
    expect(miss.response).toMatchObject({
      value: 'EXTERNAL',
      reason: 'DEFAULT',
      variant: 'external',
    });
  });
});

describe('context merge: request < -X < -H (flagd: MergeContextsAndHeaders)', () => {
  test('a -X value beats the request; a -H header beats both; header names are case-insensitive', async () => {
    const resolve = (context: object, headers: Record<string, string> = {}) =>
      call(v2(), v2().resolveString, { flagKey: 'context-flag', context } as never, headers);
    expect((await resolve({ who: 'request' })).response?.value).toBe('request');
    expect((await resolve({ who: 'request' }, { 'x-who': 'header' })).response?.value).toBe(
      'header',
    );
    // `injected` comes from -X: a request value for it loses.
    const clash = await call(v2(), v2().resolveString, {
      flagKey: 'context-flag',
      context: { who: 'static' },
    } as never);
    expect(clash.response?.value).toBe('static');
  });

  test('-X overrides a request key of the same name', async () => {
    const d2 = await startRemoteDaemon({ contextValues: { who: 'static' } });
    try {
      const r = await call(d2.v2, d2.v2.resolveString, {
        flagKey: 'context-flag',
        context: { who: 'request' },
      } as never);
      expect(r.response?.value).toBe('static');
      const h = await startRemoteDaemon({
        contextValues: { who: 'static' },
        contextFromHeaders: { 'X-Who': 'who' },
      });
      try {
        const r2 = await call(
          h.v2,
          h.v2.resolveString,
          { flagKey: 'context-flag', context: { who: 'request' } } as never,
          { 'X-WHO': 'header' },
        );
        expect(r2.response?.value).toBe('header');
        // Without the header, -X still wins over the request.
        const r3 = await call(h.v2, h.v2.resolveString, {
          flagKey: 'context-flag',
          context: { who: 'request' },
        } as never);
        expect(r3.response?.value).toBe('static');
      } finally {
        await h.close();
      }
    } finally {
      await d2.close();
    }
  });
});

describe('the flagd-selector header on every call (https://flagd.dev/reference/selector-syntax/)', () => {
  test('flagSetId= selects the set; metadata reflects the selector (flag keys win)', async () => {
    const r = await call(v2(), v2().resolveBoolean, { flagKey: 'bool-flag' } as never, {
      'flagd-selector': 'flagSetId=team-a',
    });
    expect(r.response).toMatchObject({ value: false, variant: 'off' });
    expect(r.response?.metadata).toEqual({ flagSetId: 'team-a', owner: 'a' });
  });

  test('source= and a bare source select one source; reflection is {source}', async () => {
    for (const selector of ['source=a-flags.json', 'a-flags.json']) {
      const r = await call(v2(), v2().resolveBoolean, { flagKey: 'bool-flag' } as never, {
        'flagd-selector': selector,
      });
      expect(r.response).toMatchObject({ value: true, metadata: { source: 'a-flags.json' } });
      const other = await call(v2(), v2().resolveString, { flagKey: 'team-flag' } as never, {
        'flagd-selector': selector,
      });
      expect(other.error?.code).toBe(status.NOT_FOUND);
    }
  });

  test('flagSetId= (empty) selects flags without a set and reflects nothing', async () => {
    const r = await call(v2(), v2().resolveBoolean, { flagKey: 'bool-flag' } as never, {
      'flagd-selector': 'flagSetId=',
    });
    expect(r.response).toMatchObject({ value: true, metadata: {} });
  });

  test('a selector that matches nothing: FLAG_NOT_FOUND; an unknown key: INVALID_ARGUMENT', async () => {
    const none = await call(v2(), v2().resolveBoolean, { flagKey: 'bool-flag' } as never, {
      'flagd-selector': 'flagSetId=nope',
    });
    expect(none.error?.code).toBe(status.NOT_FOUND);
    const bad = await call(v2(), v2().resolveBoolean, { flagKey: 'bool-flag' } as never, {
      'flagd-selector': 'color=blue',
    });
    expect(bad.error?.code).toBe(status.INVALID_ARGUMENT);
    const badAll = await call(v1(), v1().resolveAll, {} as never, {
      'flagd-selector': 'color=blue',
    });
    expect(badAll.error?.code).toBe(status.INVALID_ARGUMENT);
  });
});

describe('v1 quirks (flagd: ProtoVersionKey in core/pkg/evaluator/json.go)', () => {
  test('typed resolvers answer like v2 for values', async () => {
    const b = await call(v1(), v1().resolveBoolean, { flagKey: 'bool-flag' } as never, {
      'flagd-selector': 'a-flags.json',
    });
    expect(b.response).toMatchObject({ value: true, reason: 'STATIC', variant: 'on' });
    const i = await call(v1(), v1().resolveInt, { flagKey: 'int-flag' } as never);
    expect(i.response?.value).toBe(10n);
    const o = await call(v1(), v1().resolveObject, { flagKey: 'object-flag' } as never);
    expect(o.response?.value).toEqual({ showImages: true, title: 'Check it out' });
    const s = await call(v1(), v1().resolveString, { flagKey: 'string-flag' } as never);
    expect(s.response?.value).toBe('hi');
    const f = await call(v1(), v1().resolveFloat, { flagKey: 'float-flag' } as never);
    expect(f.response?.value).toBe(0.5);
  });

  test('no default variant (or null from targeting without one) is FLAG_NOT_FOUND', async () => {
    for (const flagKey of ['no-default-flag', 'null-targeting-no-default-flag']) {
      const r = await call(v1(), v1().resolveBoolean, { flagKey } as never);
      expect(r.error?.code).toBe(status.NOT_FOUND);
    }
  });

  test('DISABLED answers the zero value with an empty variant', async () => {
    const r = await call(v1(), v1().resolveBoolean, { flagKey: 'disabled-flag' } as never);
    expect(r.response).toMatchObject({ value: false, reason: 'DISABLED', variant: '' });
  });

  test('ResolveAll: flags with a value only; top-level metadata is the selector reflection', async () => {
    const all = await call(v1(), v1().resolveAll, {
      context: { email: 'ballmer@macrosoft.com' },
    } as never);
    const flags = all.response!.flags;
    expect(Object.keys(flags).sort()).toEqual(
      [
        'bool-flag',
        'string-flag',
        'int-flag',
        'float-flag',
        'object-flag',
        'targeted-flag',
        'pi-targeted-flag',
        'metadata-flag',
        'context-flag',
        'team-flag',
      ].sort(),
    );
    expect(flags['targeted-flag']).toMatchObject({
      reason: 'TARGETING_MATCH',
      variant: 'internal',
      value: { case: 'stringValue', value: 'INTERNAL' },
    });
    expect(flags['int-flag']?.value).toEqual({ case: 'doubleValue', value: 10 });
    expect(flags['object-flag']?.value.case).toBe('objectValue');
    expect(flags['metadata-flag']?.metadata).toEqual({
      string: 'a',
      integer: 1,
      float: 1.2,
      boolean: true,
    });
    // Without a selector the later source wins `bool-flag` (team-a: off).
    expect(flags['bool-flag']?.value).toEqual({ case: 'boolValue', value: false });
    expect(all.response?.metadata).toEqual({});
    const scoped = await call(v1(), v1().resolveAll, {} as never, {
      'flagd-selector': 'flagSetId=team-a',
    });
    expect(Object.keys(scoped.response!.flags).sort()).toEqual(['bool-flag', 'team-flag']);
    expect(scoped.response?.metadata).toEqual({ flagSetId: 'team-a' });
  });
});

describe('the same engine and generation as in-process evaluation', () => {
  test('every flag through ResolveBoolean/String/Float/Object equals @switchyard/core on the same flags', async () => {
    const parsed = parseFlags(JSON.stringify(FLAGS), { targetingErrors: 'isolate' });
    const { snapshot } = createSnapshot(parsed.configuration!);
    const methods: Record<
      FlagValueType,
      'resolveBoolean' | 'resolveString' | 'resolveFloat' | 'resolveObject'
    > = {
      boolean: 'resolveBoolean',
      string: 'resolveString',
      number: 'resolveFloat',
      object: 'resolveObject',
    };
    const context = { email: 'ballmer@macrosoft.com', who: 'request', want: 'pi' };
    let compared = 0;
    for (const key of Object.keys(FLAGS.flags)) {
      for (const type of Object.keys(methods) as FlagValueType[]) {
        const local = evaluate(snapshot, {
          flagKey: key,
          type,
          defaultValue: undefined,
          context: { ...context, injected: 'set' },
        });
        const client = v2() as unknown as Record<string, never>;
        const remote = await call(
          client,
          client[methods[type]]!,
          { flagKey: key, context } as never,
          {
            'flagd-selector': 'a-flags.json',
          },
        );
        compared++;
        if (local.errorCode !== undefined) {
          // (array-flag through ResolveObject is the one remote-only TYPE_MISMATCH: Struct.)
          expect(remote.error).toBeDefined();
          continue;
        }
        if (key === 'array-flag' && type === 'object') continue;
        const r = remote.response as { value?: unknown; reason: string; variant?: string };
        expect({ key, type, value: r.value, reason: r.reason, variant: r.variant }).toEqual({
          key,
          type,
          value: local.variant === undefined ? undefined : local.value,
          reason: local.reason,
          variant: local.variant,
        });
      }
    }
    expect(compared).toBe(Object.keys(FLAGS.flags).length * 4);
  });

  test('a new generation is served at once: the answer follows the file', async () => {
    const local = await startRemoteDaemon();
    try {
      const before = await call(local.v2, local.v2.resolveString, {
        flagKey: 'string-flag',
      } as never);
      expect(before.response?.value).toBe('hi');
      const next = local.nextGeneration();
      const edited = structuredClone(FLAGS);
      edited.flags['string-flag'].defaultVariant = 'bye';
      const { atomicWrite } = await import('../helpers/harness.js');
      atomicWrite(`${local.dir}/a-flags.json`, JSON.stringify(edited));
      await next;
      const after = await call(local.v2, local.v2.resolveString, {
        flagKey: 'string-flag',
      } as never);
      expect(after.response?.value).toBe('bye');
    } finally {
      await local.close();
    }
  });
});

test('both services are registered with every method of the protocol definitions', () => {
  expect(Object.keys(EvaluationV1ServiceDefinition).sort()).toEqual([
    'eventStream',
    'resolveAll',
    'resolveBoolean',
    'resolveFloat',
    'resolveInt',
    'resolveObject',
    'resolveString',
  ]);
  expect(Object.keys(EvaluationV2ServiceDefinition)).not.toContain('resolveAll');
});
