// OFREP on --ofrep-port with flagd's paths, shapes and status codes
// (open-feature/flagd:flagd/pkg/service/flag-evaluation/ofrep/handler.go),
// plus the ETag/304 exchange on bulk evaluation (docs/adr/0017) and --cors-origin.
import { createConnection } from 'node:net';
import { atomicWrite } from '../helpers/harness.js';
import { FLAGS, httpCall, startRemoteDaemon } from './helpers.js';
import type { RemoteDaemon } from './helpers.js';

const SINGLE = '/ofrep/v1/evaluate/flags/';
const BULK = '/ofrep/v1/evaluate/flags';
const json = { 'content-type': 'application/json' };

let d: RemoteDaemon;
beforeAll(async () => {
  d = await startRemoteDaemon({
    contextValues: { injected: 'set' },
    contextFromHeaders: { 'X-Who': 'who' },
    maxRequestBody: 2048,
    corsOrigins: ['https://app.example'],
  });
});
afterAll(() => d.close());

const post = (path: string, body?: unknown, headers: Record<string, string> = {}) =>
  d.ofrep(path, {
    headers: { ...json, ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });

describe('single flag: POST /ofrep/v1/evaluate/flags/{key}', () => {
  test('200 {key, value, reason, variant, metadata}', async () => {
    const r = await post(`${SINGLE}targeted-flag`, { context: { email: 'ballmer@macrosoft.com' } });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.json).toEqual({
      key: 'targeted-flag',
      value: 'INTERNAL',
      reason: 'TARGETING_MATCH',
      variant: 'internal',
      metadata: {},
    });
    const m = await post(`${SINGLE}metadata-flag`, {});
    expect(m.json).toMatchObject({
      metadata: { string: 'a', integer: 1, float: 1.2, boolean: true },
    });
    const o = await post(`${SINGLE}object-flag`);
    expect(o.json).toMatchObject({
      value: { showImages: true, title: 'Check it out' },
      reason: 'STATIC',
    });
  });

  test('value and variant omitted for the code default and DISABLED', async () => {
    expect((await post(`${SINGLE}no-default-flag`, {})).json).toEqual({
      key: 'no-default-flag',
      reason: 'DEFAULT',
      metadata: {},
    });
    const disabled = await post(`${SINGLE}disabled-flag`, {});
    expect(disabled.status).toBe(200);
    expect(disabled.json).toEqual({ key: 'disabled-flag', reason: 'DISABLED', metadata: {} });
  });

  test('404 FLAG_NOT_FOUND', async () => {
    const r = await post(`${SINGLE}missing-flag`, {});
    expect(r.status).toBe(404);
    expect(r.json).toEqual({
      key: 'missing-flag',
      errorCode: 'FLAG_NOT_FOUND',
      errorDetails: 'flag `missing-flag` does not exist',
    });
  });

  test('400 PARSE_ERROR and 400 GENERAL', async () => {
    const parse = await post(`${SINGLE}parse-error-flag`, {});
    expect(parse.status).toBe(400);
    expect(parse.json).toMatchObject({ key: 'parse-error-flag', errorCode: 'PARSE_ERROR' });
    const general = await post(`${SINGLE}missing-variant-flag`, {});
    expect(general.status).toBe(400);
    expect(general.json).toMatchObject({ key: 'missing-variant-flag', errorCode: 'GENERAL' });
  });

  test('400 INVALID_CONTEXT for a malformed body; an empty body and a non-object context are fine', async () => {
    const bad = await post(`${SINGLE}bool-flag`, '{"context": {');
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ key: 'bool-flag', errorCode: 'INVALID_CONTEXT' });
    expect((await post(`${SINGLE}bool-flag`, '[1]')).status).toBe(400);
    expect((await post(`${SINGLE}bool-flag`)).status).toBe(200);
    expect((await post(`${SINGLE}bool-flag`, { context: 'not an object' })).status).toBe(200);
  });

  test('413 over --max-request-body (declared length, and chunked without a length)', async () => {
    const big = JSON.stringify({ context: { pad: 'x'.repeat(4096) } });
    const r = await post(`${SINGLE}bool-flag`, big);
    expect(r.status).toBe(413);
    expect(r.json).toEqual({ errorDetails: 'request body too large' });
    const chunked = await d.ofrep(`${SINGLE}bool-flag`, {
      headers: { ...json, 'transfer-encoding': 'chunked' },
      body: big,
    });
    expect(chunked.status).toBe(413);
  });

  test('the selector header scopes the flag and is reflected in metadata; a bad one is 400 GENERAL', async () => {
    const r = await post(`${SINGLE}bool-flag`, {}, { 'flagd-selector': 'flagSetId=team-a' });
    expect(r.json).toMatchObject({ value: false, metadata: { flagSetId: 'team-a', owner: 'a' } });
    const src = await post(`${SINGLE}bool-flag`, {}, { 'flagd-selector': 'a-flags.json' });
    expect(src.json).toMatchObject({ value: true, metadata: { source: 'a-flags.json' } });
    const bad = await post(`${SINGLE}bool-flag`, {}, { 'flagd-selector': 'color=blue' });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ key: 'bool-flag', errorCode: 'GENERAL' });
  });

  test('context merge: request < -X < -H', async () => {
    const value = async (body: unknown, headers: Record<string, string> = {}) =>
      ((await post(`${SINGLE}context-flag`, body, headers)).json as { value: string }).value;
    expect(await value({ context: { who: 'request' } })).toBe('request');
    expect(await value({ context: { who: 'request' } }, { 'x-who': 'header' })).toBe('header');
  });

  test('a URL-encoded key is decoded', async () => {
    expect((await post(`${SINGLE}bool%2Dflag`, {})).status).toBe(200);
  });
});

describe('bulk: POST /ofrep/v1/evaluate/flags', () => {
  test('200 {flags:[...], metadata}: per-flag errors and disabled flags included', async () => {
    const r = await post(BULK, { context: { email: 'ballmer@macrosoft.com' } });
    expect(r.status).toBe(200);
    const body = r.json as { flags: Record<string, unknown>[]; metadata: unknown };
    expect(body.metadata).toEqual({});
    const byKey = new Map(body.flags.map((f) => [f.key as string, f]));
    expect(byKey.size).toBe(Object.keys(FLAGS.flags).length + 1); // + team-flag
    expect(byKey.get('targeted-flag')).toMatchObject({
      value: 'INTERNAL',
      reason: 'TARGETING_MATCH',
    });
    expect(byKey.get('disabled-flag')).toEqual({
      key: 'disabled-flag',
      reason: 'DISABLED',
      metadata: {},
    });
    expect(byKey.get('no-default-flag')).toEqual({
      key: 'no-default-flag',
      reason: 'DEFAULT',
      metadata: {},
    });
    expect(byKey.get('parse-error-flag')).toMatchObject({ errorCode: 'PARSE_ERROR' });
    expect(byKey.get('missing-variant-flag')).toMatchObject({ errorCode: 'GENERAL' });
    expect(byKey.get('array-flag')).toMatchObject({ value: [1, 2], reason: 'STATIC' });
    // Bulk per-flag metadata is the flag's own; the selector reflection is top-level only.
    expect(byKey.get('team-flag')).toMatchObject({
      metadata: { flagSetId: 'team-a', owner: 'flag-wins' },
    });
  });

  test('a trailing slash is accepted; a selector scopes and is reflected at the top', async () => {
    const r = await post(`${BULK}/`, {}, { 'flagd-selector': 'flagSetId=team-a' });
    expect(r.status).toBe(200);
    const body = r.json as { flags: { key: string }[]; metadata: unknown };
    expect(body.flags.map((f) => f.key).sort()).toEqual(['bool-flag', 'team-flag']);
    expect(body.metadata).toEqual({ flagSetId: 'team-a' });
  });

  test('400 INVALID_CONTEXT, 400 GENERAL for a bad selector, 413 over the limit', async () => {
    const bad = await post(BULK, '{nope');
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ errorCode: 'INVALID_CONTEXT' });
    expect(bad.json).not.toHaveProperty('key');
    const selector = await post(BULK, {}, { 'flagd-selector': 'color=blue' });
    expect(selector.status).toBe(400);
    expect(selector.json).toMatchObject({ errorCode: 'GENERAL' });
    expect((await post(BULK, 'x'.repeat(4096))).status).toBe(413);
  });

  test('ETag and 304 for a matching If-None-Match; a changed answer gets a new ETag', async () => {
    const first = await post(BULK, { context: { who: 'request' } });
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    const again = await post(BULK, { context: { who: 'request' } }, { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    expect(again.headers.etag).toBe(etag);
    // Weak and listed forms match too (RFC 9110 weak comparison).
    expect(
      (await post(BULK, { context: { who: 'request' } }, { 'if-none-match': `"x", W/${etag}` }))
        .status,
    ).toBe(304);
    // Another context changes context-flag, so the body and the ETag differ.
    const other = await post(BULK, { context: { who: 'static' } }, { 'if-none-match': etag });
    expect(other.status).toBe(200);
    expect(other.headers.etag).not.toBe(etag);
    // The same answer from an equal context written differently: same ETag (body hash).
    const spaced = await post(BULK, '{ "context" : { "who" : "request" } }');
    expect(spaced.headers.etag).toBe(etag);
  });

  test('a new generation that changes the answer changes the ETag', async () => {
    const local = await startRemoteDaemon();
    try {
      const before = await local.ofrep(BULK, { headers: json, body: '{}' });
      const next = local.nextGeneration();
      const edited = structuredClone(FLAGS);
      edited.flags['string-flag'].defaultVariant = 'bye';
      atomicWrite(`${local.dir}/a-flags.json`, JSON.stringify(edited));
      await next;
      const after = await local.ofrep(BULK, {
        headers: { ...json, 'if-none-match': before.headers.etag as string },
        body: '{}',
      });
      expect(after.status).toBe(200);
      expect(after.headers.etag).not.toBe(before.headers.etag);
    } finally {
      await local.close();
    }
  });
});

describe('routing and CORS (--cors-origin)', () => {
  test('404 for other paths, 405 for other methods', async () => {
    expect((await d.ofrep('/ofrep/v1/other', { method: 'POST' })).status).toBe(404);
    expect((await d.ofrep(`${SINGLE}a/b`, { method: 'POST' })).status).toBe(404);
    const get = await d.ofrep(`${SINGLE}bool-flag`, { method: 'GET' });
    expect(get.status).toBe(405);
    expect(get.headers.allow).toMatch(/POST/);
  });

  test('preflight OPTIONS from an allowed origin: 204 with the CORS headers', async () => {
    const r = await d.ofrep(BULK, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,if-none-match',
      },
    });
    expect(r.status).toBe(204);
    expect(r.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(r.headers['access-control-allow-methods']).toMatch(/POST/);
    expect(r.headers['access-control-allow-headers']).toBe('content-type,if-none-match');
  });

  test('responses to an allowed origin carry Access-Control-Allow-Origin and expose ETag', async () => {
    const r = await post(BULK, {}, { origin: 'https://app.example' });
    expect(r.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(r.headers['access-control-expose-headers']).toMatch(/ETag/i);
    const other = await post(BULK, {}, { origin: 'https://evil.example' });
    expect(other.status).toBe(200);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await d.ofrep(BULK, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  test('`*` allows every origin; without --cors-origin OPTIONS is 405', async () => {
    const any = await startRemoteDaemon({ corsOrigins: ['*'] });
    const none = await startRemoteDaemon();
    try {
      const r = await any.ofrep(`${SINGLE}bool-flag`, {
        headers: { ...json, origin: 'https://whatever.example' },
        body: '{}',
      });
      expect(r.headers['access-control-allow-origin']).toBe('*');
      expect((await none.ofrep(BULK, { method: 'OPTIONS' })).status).toBe(405);
    } finally {
      await Promise.all([any.close(), none.close()]);
    }
  });

  test('431 over --max-request-header', async () => {
    const small = await startRemoteDaemon({ maxRequestHeader: 1024 });
    try {
      const port = small.daemon.ports.ofrep!;
      const status = await new Promise<string>((resolve, reject) => {
        const socket = createConnection(port, '127.0.0.1', () => {
          socket.write(
            `POST ${BULK} HTTP/1.1\r\nhost: x\r\nx-big: ${'y'.repeat(4096)}\r\ncontent-length: 0\r\n\r\n`,
          );
        });
        socket.once('data', (data) => {
          resolve(String(data).split('\r\n')[0]!);
          socket.destroy();
        });
        socket.on('error', reject);
      });
      expect(status).toMatch(/^HTTP\/1\.1 431/);
    } finally {
      await small.close();
    }
  });
});

test('no generation yet is not an error path: a flag is 404, bulk is empty', async () => {
  // A source that does not exist yet: the daemon starts and publishes an empty generation.
  const empty = await startRemoteDaemon({
    sources: ['file:later.json'],
    files: {},
    waitReady: false,
  });
  try {
    expect((await empty.ofrep(`${SINGLE}x`, { headers: json, body: '{}' })).status).toBe(404);
    const bulk = await httpCall(empty.daemon.ports.ofrep!, BULK, { headers: json, body: '{}' });
    expect(bulk.json).toEqual({ flags: [], metadata: {} });
  } finally {
    await empty.close();
  }
});
