// The evaluation port's three protocols against a real daemon on loopback: flagd's curl calls
// (Connect JSON over HTTP/1.1 with real curl when installed, over h2c too), Connect binary and
// server streaming, gRPC-Web binary, the unary JSON fast path byte-for-byte against the
// @connectrpc/connect router, CORS, call interceptors on every protocol, and gRPC health on the
// management port.
import { execFile } from 'node:child_process';
import { Agent, request } from 'node:http';
import { promisify } from 'node:util';
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import type { Client } from '@connectrpc/connect';
import {
  Http2SessionManager,
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
} from '@connectrpc/connect-node';
import { status } from '@grpc/grpc-js';
import { evaluationV1, evaluationV2, healthV1 } from '@switchyard/protocol';
import type { CallInterceptor } from '../../src/remote/call.js';
import { STATUS } from '../../src/remote/status.js';
import { atomicWrite, flagsDoc } from '../helpers/harness.js';
import { call, startRemoteDaemon } from './helpers.js';
import type { RemoteDaemon } from './helpers.js';

const run = promisify(execFile);
let curlAvailable = true;

interface HttpAnswer {
  status: number;
  contentType: string;
  body: string;
}

/** POSTs with curl (as flagd's docs do), or node:http when curl is not installed. */
async function post(
  url: string,
  body: string,
  headers: Record<string, string> = { 'content-type': 'application/json' },
  http2 = false,
): Promise<HttpAnswer> {
  if (curlAvailable) {
    const args = ['-s', '-m', '20', '-X', 'POST', url, '-d', body];
    for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}: ${v}`);
    if (http2) args.push('--http2-prior-knowledge');
    args.push('-w', '\n%{http_code} %{content_type}');
    try {
      const { stdout } = await run('curl', args);
      const cut = stdout.lastIndexOf('\n');
      const [code, ...type] = stdout.slice(cut + 1).split(' ');
      return { status: Number(code), contentType: type.join(' '), body: stdout.slice(0, cut) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      curlAvailable = false;
    }
  }
  if (http2) throw new Error('HTTP/2 prior knowledge needs curl');
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers }, (res) => {
      let text = '';
      res.on('data', (c) => {
        text += c;
      });
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          contentType: res.headers['content-type'] ?? '',
          body: text,
        }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

let d: RemoteDaemon;
let base: string;
/** HTTP/2 sessions of the clients, closed after the tests (they would keep jest alive). */
const sessions: Http2SessionManager[] = [];
const h2 = (url: string) => {
  const manager = new Http2SessionManager(url);
  sessions.push(manager);
  return { httpVersion: '2' as const, sessionManager: manager };
};
/** HTTP/1.1 connections of the clients, likewise. */
const agents: Agent[] = [];
const h1 = () => {
  const agent = new Agent({ keepAlive: true });
  agents.push(agent);
  return { httpVersion: '1.1' as const, nodeOptions: { agent } };
};
beforeAll(async () => {
  d = await startRemoteDaemon({ corsOrigins: ['https://app.example'] });
  base = `http://127.0.0.1:${d.daemon.ports.evaluation}`;
});
afterAll(async () => {
  for (const manager of sessions) manager.abort();
  for (const agent of agents) agent.destroy();
  await d.close();
});

const json = async (path: string, body: object, http2 = false) => {
  const answer = await post(`${base}${path}`, JSON.stringify(body), undefined, http2);
  return { ...answer, json: JSON.parse(answer.body) as Record<string, unknown> };
};

describe('Connect JSON over HTTP/1.1: flagd curl calls and response shapes', () => {
  const v1 = '/flagd.evaluation.v1.Service';
  const v2 = '/flagd.evaluation.v2.Service';
  const meta = { flagSetId: 'team-a', owner: 'a' };

  test.each([
    ['v1', v1],
    ['v2', v2],
  ])('%s: every typed resolver answers protojson with zero values written', async (_v, s) => {
    const bool = await json(`${s}/ResolveBoolean`, { flagKey: 'bool-flag', context: {} });
    expect(bool).toMatchObject({ status: 200, contentType: 'application/json' });
    expect(bool.body).toBe(
      `{"value":false,"reason":"STATIC","variant":"off","metadata":${JSON.stringify(meta)}}`,
    );
    expect((await json(`${s}/ResolveString`, { flagKey: 'string-flag' })).json).toEqual({
      value: 'hi',
      reason: 'STATIC',
      variant: 'hi',
      metadata: {},
    });
    expect((await json(`${s}/ResolveFloat`, { flagKey: 'float-flag' })).json).toEqual({
      value: 0.5,
      reason: 'STATIC',
      variant: 'half',
      metadata: {},
    });
    // int64 is a JSON string in protojson (flagd answers the same).
    const int = await json(`${s}/ResolveInt`, {
      flagKey: 'pi-targeted-flag',
      context: { want: 'pi' },
    });
    expect(int.json).toEqual({
      value: '3',
      reason: 'TARGETING_MATCH',
      variant: 'pi',
      metadata: {},
    });
    expect((await json(`${s}/ResolveObject`, { flagKey: 'object-flag' })).json).toEqual({
      value: { showImages: true, title: 'Check it out' },
      reason: 'STATIC',
      variant: 'tmpl',
      metadata: {},
    });
  });

  test('DISABLED: v1 writes the zero value and an empty variant, v2 leaves both out', async () => {
    expect((await json(`${v1}/ResolveBoolean`, { flagKey: 'disabled-flag' })).json).toEqual({
      value: false,
      reason: 'DISABLED',
      variant: '',
      metadata: {},
    });
    expect((await json(`${v2}/ResolveBoolean`, { flagKey: 'disabled-flag' })).json).toEqual({
      reason: 'DISABLED',
      metadata: {},
    });
  });

  test('v1 ResolveAll: flags with their oneof value field, top-level metadata', async () => {
    const all = await json(`${v1}/ResolveAll`, { context: {} });
    expect(all.status).toBe(200);
    const flags = all.json.flags as Record<string, Record<string, unknown>>;
    expect(flags['string-flag']).toEqual({
      reason: 'STATIC',
      variant: 'hi',
      stringValue: 'hi',
      metadata: {},
    });
    expect(flags['float-flag']).toMatchObject({ doubleValue: 0.5 });
    expect(flags['object-flag']).toMatchObject({ objectValue: { title: 'Check it out' } });
    expect(flags['disabled-flag']).toBeUndefined();
    expect(all.json.metadata).toEqual({});
  });

  test('a missing flag is Connect not_found / HTTP 404; other errors map like flagd', async () => {
    const missing = await json(`${v1}/ResolveBoolean`, { flagKey: 'missing-flag' });
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({
      code: 'not_found',
      message: 'FLAG_NOT_FOUND: flag "missing-flag" not found',
    });
    const mismatch = await json(`${v2}/ResolveString`, { flagKey: 'bool-flag' });
    expect(mismatch).toMatchObject({ status: 400, json: { code: 'invalid_argument' } });
    const parse = await json(`${v2}/ResolveBoolean`, { flagKey: 'parse-error-flag' });
    expect(parse).toMatchObject({ status: 500, json: { code: 'data_loss' } });
    const selector = await post(`${base}${v2}/ResolveBoolean`, '{"flagKey":"bool-flag"}', {
      'content-type': 'application/json',
      'flagd-selector': 'bogus=1',
    });
    expect(selector.status).toBe(400);
  });

  test('the selector header and -H mappings work as on gRPC', async () => {
    const answer = await post(`${base}${v2}/ResolveBoolean`, '{"flagKey":"bool-flag"}', {
      'content-type': 'application/json',
      'flagd-selector': 'source=a-flags.json',
    });
    expect(JSON.parse(answer.body)).toMatchObject({
      value: true,
      metadata: { source: 'a-flags.json' },
    });
  });

  test('the same calls over h2c (HTTP/2 prior knowledge) answer the same bytes', async () => {
    if (!curlAvailable) return;
    const h1 = await json(`${v1}/ResolveObject`, { flagKey: 'object-flag' });
    const h2 = await json(`${v1}/ResolveObject`, { flagKey: 'object-flag' }, true);
    expect(h2).toEqual(h1);
    const missing = await json(`${v2}/ResolveBoolean`, { flagKey: 'missing-flag' }, true);
    expect(missing).toMatchObject({ status: 404, json: { code: 'not_found' } });
  });
});

describe('the unary JSON fast path answers exactly as the @connectrpc/connect router', () => {
  // A connect-timeout-ms header sends the same call through the router.
  const viaRouter = { 'content-type': 'application/json', 'connect-timeout-ms': '10000' };
  const plain = { 'content-type': 'application/json' };
  test.each([
    [
      '/flagd.evaluation.v1.Service/ResolveBoolean',
      '{"flagKey":"bool-flag","context":{"a":[1,{"b":null}]}}',
    ],
    ['/flagd.evaluation.v1.Service/ResolveInt', '{"flagKey":"int-flag","unknown":1}'],
    ['/flagd.evaluation.v1.Service/ResolveBoolean', '{"flagKey":"disabled-flag"}'],
    ['/flagd.evaluation.v1.Service/ResolveBoolean', '{"flagKey":"no-default-flag"}'],
    ['/flagd.evaluation.v2.Service/ResolveBoolean', '{"flagKey":"no-default-flag"}'],
    ['/flagd.evaluation.v2.Service/ResolveObject', '{"flagKey":"array-flag"}'],
    [
      '/flagd.evaluation.v2.Service/ResolveString',
      '{"flagKey":"targeted-flag","context":{"email":"ballmer@macrosoft.com"}}',
    ],
    ['/flagd.evaluation.v2.Service/ResolveFloat', '{}'],
    ['/flagd.evaluation.v1.Service/ResolveAll', '{"context":{"want":"pi"}}'],
    ['/flagd.evaluation.v2.Service/ResolveBoolean', '{"flagKey":7}'],
    ['/flagd.evaluation.v2.Service/ResolveBoolean', '{"flagKey":"bool-flag","context":[1]}'],
    ['/flagd.evaluation.v2.Service/ResolveBoolean', '{"flagKey":'],
    ['/flagd.evaluation.v2.Service/ResolveBoolean', '{"flag_key":"bool-flag"}'],
  ])('%s %s', async (path, body) => {
    const fast = await post(`${base}${path}`, body, plain);
    const router = await post(`${base}${path}`, body, viaRouter);
    expect(fast).toEqual(router);
  });
});

describe('Connect binary, server streaming and gRPC-Web through @connectrpc clients', () => {
  const clients = () => {
    const baseUrl = base;
    return {
      connectBinary: createClient(
        evaluationV2.Service,
        createConnectTransport({ baseUrl, ...h1(), useBinaryFormat: true }),
      ),
      connectJsonH2: createClient(
        evaluationV1.Service,
        createConnectTransport({ baseUrl, ...h2(baseUrl) }),
      ),
      grpcWeb: createClient(
        evaluationV2.Service,
        createGrpcWebTransport({ baseUrl, ...h1(), useBinaryFormat: true }),
      ),
      grpcWebH2: createClient(
        evaluationV1.Service,
        createGrpcWebTransport({ baseUrl, ...h2(baseUrl), useBinaryFormat: true }),
      ),
    };
  };

  test('Connect binary and gRPC-Web binary round trips; errors keep their code', async () => {
    const c = clients();
    for (const client of [c.connectBinary, c.grpcWeb]) {
      expect(await client.resolveInt({ flagKey: 'int-flag' })).toMatchObject({
        value: 10n,
        reason: 'STATIC',
        variant: 'ten',
      });
      await expect(client.resolveBoolean({ flagKey: 'missing-flag' })).rejects.toMatchObject({
        code: Code.NotFound,
      });
    }
    expect(await c.grpcWebH2.resolveAll({})).toMatchObject({ metadata: {} });
    expect((await c.connectJsonH2.resolveString({ flagKey: 'string-flag' })).value).toBe('hi');
  });

  test('EventStream over Connect and gRPC-Web: provider_ready, then the change of a file', async () => {
    const c = clients();
    const streams = [
      c.connectBinary.eventStream({})[Symbol.asyncIterator](),
      c.grpcWeb.eventStream({})[Symbol.asyncIterator](),
    ];
    for (const s of streams) expect((await s.next()).value?.type).toBe('provider_ready');
    const doc = JSON.parse(
      await import('node:fs').then((fs) => fs.readFileSync(`${d.dir}/a-flags.json`, 'utf8')),
    );
    doc.flags['string-flag'].defaultVariant = 'bye';
    atomicWrite(`${d.dir}/a-flags.json`, JSON.stringify(doc));
    for (const s of streams) {
      const change = (await s.next()).value;
      expect(change).toMatchObject({
        type: 'configuration_change',
        data: { flags: { 'string-flag': { type: 'update' } } },
      });
      await s.return?.();
    }
    doc.flags['string-flag'].defaultVariant = 'hi';
    atomicWrite(`${d.dir}/a-flags.json`, JSON.stringify(doc));
    await d.nextGeneration();
  });
});

test('CORS on the evaluation port: preflight and exposed gRPC-Web headers for allowed origins', async () => {
  const preflight = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const req = request(
      `${base}/flagd.evaluation.v1.Service/ResolveAll`,
      {
        method: 'OPTIONS',
        headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
      },
      (res) => {
        res.resume();
        resolve({ status: res.statusCode, ...res.headers });
      },
    );
    req.on('error', reject);
    req.end();
  });
  expect(preflight).toMatchObject({
    status: 204,
    'access-control-allow-origin': 'https://app.example',
    'access-control-allow-methods': expect.stringContaining('POST'),
  });
  expect(String(preflight['access-control-expose-headers'])).toContain('Grpc-Status');
});

test('interceptors run around every call of every protocol', async () => {
  const seen: string[] = [];
  const deny: CallInterceptor = (callInfo, next) => {
    seen.push(`${callInfo.protocol} ${callInfo.method}`);
    if (callInfo.header('authorization') !== 'Bearer good')
      return { ok: false, failure: { code: STATUS.UNAUTHENTICATED, message: 'no token' } };
    return next();
  };
  const guarded = await startRemoteDaemon({ interceptors: [deny] });
  try {
    const url = `http://127.0.0.1:${guarded.daemon.ports.evaluation}`;
    const grpc = await call(guarded.v2, guarded.v2.resolveBoolean, {
      flagKey: 'bool-flag',
    } as never);
    expect(grpc.error?.code).toBe(status.UNAUTHENTICATED);
    const allowed = await call(
      guarded.v2,
      guarded.v2.resolveBoolean,
      { flagKey: 'bool-flag' } as never,
      {
        authorization: 'Bearer good',
      },
    );
    expect(allowed.response?.reason).toBe('STATIC');
    const curl = await post(
      `${url}/flagd.evaluation.v2.Service/ResolveBoolean`,
      '{"flagKey":"bool-flag"}',
    );
    expect(curl.status).toBe(401);
    const web: Client<typeof evaluationV2.Service> = createClient(
      evaluationV2.Service,
      createGrpcWebTransport({ baseUrl: url, ...h1() }),
    );
    await expect(web.resolveBoolean({ flagKey: 'bool-flag' })).rejects.toMatchObject({
      code: Code.Unauthenticated,
    });
    const stream = web.eventStream({})[Symbol.asyncIterator]();
    await expect(stream.next()).rejects.toBeInstanceOf(ConnectError);
    expect(seen).toEqual([
      'grpc ResolveBoolean',
      'grpc ResolveBoolean',
      'connect ResolveBoolean',
      'grpc-web ResolveBoolean',
      'grpc-web EventStream',
    ]);
  } finally {
    await guarded.close();
  }
});

describe('gRPC health on the management port (grpc.health.v1)', () => {
  test('Check: SERVING for "" and the served services, NOT_FOUND for others; Watch follows readiness', async () => {
    const late = await startRemoteDaemon({
      waitReady: false,
      startupGateMs: 60_000,
      files: {},
      sources: ['file:later.json'],
    });
    try {
      const url = `http://127.0.0.1:${late.daemon.ports.management}`;
      const health = createClient(
        healthV1.Health,
        createGrpcTransport({ baseUrl: url, ...h2(url) }),
      );
      const { SERVING, NOT_SERVING, SERVICE_UNKNOWN } = healthV1.HealthCheckResponse_ServingStatus;
      expect((await health.check({ service: '' })).status).toBe(NOT_SERVING);
      await expect(health.check({ service: 'nope' })).rejects.toMatchObject({
        code: Code.NotFound,
      });
      const watch = health
        .watch({ service: 'flagd.evaluation.v2.Service' })
        [Symbol.asyncIterator]();
      expect((await watch.next()).value?.status).toBe(NOT_SERVING);
      atomicWrite(`${late.dir}/later.json`, flagsDoc({ a: 'on' }));
      expect((await watch.next()).value?.status).toBe(SERVING);
      expect((await health.check({ service: 'flagd.sync.v1.FlagSyncService' })).status).toBe(
        SERVING,
      );
      const unknown = health.watch({ service: 'nope' })[Symbol.asyncIterator]();
      expect((await unknown.next()).value?.status).toBe(SERVICE_UNKNOWN);
      await unknown.return?.();
      await watch.return?.();
      // HTTP/1.1 and HTTP/2 requests for the other paths are answered as before.
      expect((await late.readyz()).status).toBe(200);
    } finally {
      await late.close();
    }
  });
});
