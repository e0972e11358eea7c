// Request limits on every evaluation port: a context of 60,000 keys (~0.9 MB, under
// --max-request-body) or nested 50 deep is refused with INVALID_ARGUMENT on flagd.evaluation v1
// and v2 over gRPC, Connect (JSON and binary, the JSON fast path included) and gRPC-Web (never
// INTERNAL) and 413 / 400 on OFREP; the limits are options; the next request is answered as
// usual. The work of a refusal is bounded in context-limits.test.ts.
import { Agent } from 'node:http';
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import type { Transport } from '@connectrpc/connect';
import { createConnectTransport, createGrpcWebTransport } from '@connectrpc/connect-node';
import { status } from '@grpc/grpc-js';
import { evaluationV1, evaluationV2 } from '@switchyard/protocol';
import type { JsonObject } from '../../src/engine.js';
import { call, startRemoteDaemon } from './helpers.js';
import type { RemoteDaemon } from './helpers.js';

/** 60,000 attributes: ~15 bytes each in protobuf (`true`), ~16 in JSON (`"xxxx"`). */
function wideContext(value: JsonObject[string]): JsonObject {
  const context: JsonObject = {};
  for (let i = 0; i < 60_000; i++) context[`k${i}`] = value;
  return context;
}

function deepContext(levels: number): JsonObject {
  let value: JsonObject = { a: 1 };
  for (let i = 1; i < levels; i++) value = { a: value };
  return value;
}

const json = { 'content-type': 'application/json' };

describe('default limits (32 levels, 10,000 keys and elements)', () => {
  let d: RemoteDaemon;
  beforeAll(async () => {
    d = await startRemoteDaemon();
  });
  afterAll(() => d.close());

  test('gRPC: 60,000 keys (0.9 MB) is INVALID_ARGUMENT on every resolver of v1 and v2', async () => {
    const context = wideContext(true);
    const calls = [
      call(d.v2, d.v2.resolveBoolean, { flagKey: 'bool-flag', context } as never),
      call(d.v2, d.v2.resolveObject, { flagKey: 'object-flag', context } as never),
      call(d.v1, d.v1.resolveString, { flagKey: 'string-flag', context } as never),
      call(d.v1, d.v1.resolveAll, { context } as never),
    ];
    for (const { error } of await Promise.all(calls)) {
      expect(error?.code).toBe(status.INVALID_ARGUMENT);
      expect(error?.details).toBe(
        'CONTEXT_TOO_LARGE: the evaluation context has more than 10,000 keys and array elements (--max-context-keys)',
      );
    }
    const fine = await call(d.v2, d.v2.resolveString, {
      flagKey: 'string-flag',
      context: {},
    } as never);
    expect(fine.response).toMatchObject({ value: 'hi', reason: 'STATIC' });
  });

  test('gRPC: Structs nested 50 deep are INVALID_ARGUMENT, not INTERNAL "Error deserializing request"', async () => {
    for (const levels of [33, 50, 90]) {
      const context = deepContext(levels);
      const v2 = await call(d.v2, d.v2.resolveString, { flagKey: 'string-flag', context } as never);
      const v1 = await call(d.v1, d.v1.resolveAll, { context } as never);
      for (const { error } of [v2, v1]) {
        expect(error?.code).toBe(status.INVALID_ARGUMENT);
        expect(error?.details).toMatch(/^INVALID_CONTEXT: .*nested deeper than 32 levels/);
      }
    }
    const at = await call(d.v2, d.v2.resolveString, {
      flagKey: 'string-flag',
      context: deepContext(32),
    } as never);
    expect(at.response).toMatchObject({ value: 'hi' });
  });

  test('OFREP: 60,000 keys is 413, 50 levels is 400, single and bulk; a small context is 200', async () => {
    const wide = JSON.stringify({ context: wideContext('xxxx') });
    expect(wide.length).toBeGreaterThan(900_000);
    expect(wide.length).toBeLessThan(1_000_000);
    const deep = JSON.stringify({ context: deepContext(50) });
    for (const path of ['/ofrep/v1/evaluate/flags/bool-flag', '/ofrep/v1/evaluate/flags']) {
      const tooLarge = await d.ofrep(path, { headers: json, body: wide });
      expect(tooLarge.status).toBe(413);
      expect(tooLarge.json).toMatchObject({
        errorCode: 'INVALID_CONTEXT',
        errorDetails: expect.stringMatching(/more than 10,000 keys/),
      });
      const tooDeep = await d.ofrep(path, { headers: json, body: deep });
      expect(tooDeep.status).toBe(400);
      expect(tooDeep.json).toMatchObject({
        errorCode: 'INVALID_CONTEXT',
        errorDetails: expect.stringMatching(/nested deeper than 32 levels/),
      });
    }
    const fine = await d.ofrep('/ofrep/v1/evaluate/flags/bool-flag', {
      headers: json,
      body: JSON.stringify({ context: { targetingKey: 'u1' } }),
    });
    expect(fine.status).toBe(200);
  });

  describe('Connect and gRPC-Web on the evaluation port', () => {
    const agent = new Agent({ keepAlive: true });
    afterAll(() => agent.destroy());
    const transports: [string, () => Transport][] = [
      ['Connect JSON (the fast path)', () => transport(createConnectTransport, false)],
      ['Connect binary', () => transport(createConnectTransport, true)],
      ['gRPC-Web binary', () => transport(createGrpcWebTransport, true)],
      ['gRPC-Web JSON', () => transport(createGrpcWebTransport, false)],
    ];
    function transport(
      create: typeof createConnectTransport | typeof createGrpcWebTransport,
      useBinaryFormat: boolean,
    ): Transport {
      return create({
        baseUrl: `http://127.0.0.1:${d.daemon.ports.evaluation}`,
        httpVersion: '1.1',
        nodeOptions: { agent },
        useBinaryFormat,
      });
    }
    const refusal = async (promise: Promise<unknown>) => {
      const error = await promise.then(
        () => undefined,
        (e: unknown) => ConnectError.from(e),
      );
      return { code: error?.code, message: error?.rawMessage };
    };

    test.each(transports)(
      '%s: 60,000 keys and 50 levels are invalid_argument',
      async (_name, t) => {
        const v2 = createClient(evaluationV2.Service, t());
        const v1 = createClient(evaluationV1.Service, t());
        const wide = wideContext(true);
        for (const answer of [
          await refusal(v2.resolveBoolean({ flagKey: 'bool-flag', context: wide })),
          await refusal(v1.resolveAll({ context: wide })),
        ]) {
          expect(answer).toEqual({
            code: Code.InvalidArgument,
            message: expect.stringMatching(/^CONTEXT_TOO_LARGE: .*more than 10,000 keys/),
          });
        }
        const deep = deepContext(50);
        expect(await refusal(v2.resolveString({ flagKey: 'string-flag', context: deep }))).toEqual({
          code: Code.InvalidArgument,
          message: expect.stringMatching(/^INVALID_CONTEXT: .*nested deeper than 32 levels/),
        });
        const fine = await v2.resolveString({ flagKey: 'string-flag', context: deepContext(3) });
        expect(fine).toMatchObject({ value: 'hi', reason: 'STATIC' });
      },
    );
  });
});

test('--max-context-depth and --max-context-keys set the limits on every port', async () => {
  const d = await startRemoteDaemon({ maxContextDepth: 2, maxContextKeys: 3 });
  try {
    const keys = { a: 1, b: 2, c: 3, d: 4 };
    const nested = { user: { address: { city: 'x' } } };
    const v2 = await call(d.v2, d.v2.resolveBoolean, {
      flagKey: 'bool-flag',
      context: keys,
    } as never);
    expect(v2.error?.code).toBe(status.INVALID_ARGUMENT);
    const v1 = await call(d.v1, d.v1.resolveBoolean, {
      flagKey: 'bool-flag',
      context: nested,
    } as never);
    expect(v1.error?.details).toMatch(/nested deeper than 2 levels/);
    const ofrep = (context: JsonObject) =>
      d.ofrep('/ofrep/v1/evaluate/flags/bool-flag', {
        headers: json,
        body: JSON.stringify({ context }),
      });
    expect((await ofrep(keys)).status).toBe(413);
    expect((await ofrep(nested)).status).toBe(400);
    expect((await ofrep({ user: { id: 'u1' } })).status).toBe(200);
    const fine = await call(d.v2, d.v2.resolveString, {
      flagKey: 'string-flag',
      context: { a: [1] },
    } as never);
    expect(fine.response).toMatchObject({ value: 'hi' });
  } finally {
    await d.close();
  }
});
