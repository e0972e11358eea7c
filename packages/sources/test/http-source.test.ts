// The http source (flagd's `http` provider) against a real loopback HTTP server: conditional
// polling (ETag → 304), a change served, every kind of outage keeping the last good flags and
// reported as a problem, the auth header and custom headers sent, redirects, gzip, YAML, the size
// bound and TLS with a given CA. Polling runs every 40 ms here; waits are on requests and updates.
import { rmSync } from 'node:fs';
import type { SourceConfig, SourceContext, SourceUpdate } from '../src/index.js';
import { createSource, resolveSource } from '../src/index.js';
import { mintCertificates } from '../../provider/test/support/tls.js';
import { DAEMON_PARSE, flagsDoc, served } from './support/harness.js';
import { type Recorded, TestHttpServer, record } from './support/remote.js';

const open: (Recorded | TestHttpServer)[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((o) => o.close()));
});

const FAST: SourceContext = { parse: DAEMON_PARSE, http: { intervalMs: 40, offsetMs: 0 } };

async function httpSource(
  config: Omit<SourceConfig, 'provider'>,
  context: SourceContext = FAST,
): Promise<Recorded> {
  const source = createSource(
    resolveSource({ provider: 'http', ...config } as SourceConfig),
    context,
  );
  const recorded = await record(source);
  open.push(recorded);
  return recorded;
}

async function server(...args: Parameters<typeof TestHttpServer.start>) {
  const s = await TestHttpServer.start(...args);
  open.push(s);
  return s;
}

const codes = (u: SourceUpdate) => u.problems.map((p) => p.code);

test('polls with If-None-Match: unchanged documents cost 304s and publish nothing; a change is served', async () => {
  const http = await server({ status: 200, body: flagsDoc({ a: 'on' }), etag: '"v1"' });
  const source = await httpSource({
    uri: `${http.url}/flags.json`,
    authHeader: 'Bearer s3cret',
    headers: { 'X-Tenant': 'blue' },
  });
  expect(served(source.updates[0]!)).toEqual({ a: 'on' });
  const first = source.updates[0]!.configuration;
  await http.requestsMatching((r) => r.status === 304, 3);
  // Every request carried the auth header and the custom header; later ones the ETag.
  expect(http.requests.every((r) => r.headers.authorization === 'Bearer s3cret')).toBe(true);
  expect(http.requests.every((r) => r.headers['x-tenant'] === 'blue')).toBe(true);
  expect(http.requests[1]!.headers['if-none-match']).toBe('"v1"');
  expect(source.updates.every((u) => u.configuration === first)).toBe(true);

  http.answer = { status: 200, body: flagsDoc({ a: 'off', b: 'on' }), etag: '"v2"' };
  const changed = await source.update((u) => u.configuration !== first);
  expect(served(changed)).toEqual({ a: 'off', b: 'on' });
  expect(changed.problems).toEqual([]);
});

test('a server without ETags: the same body again publishes nothing', async () => {
  const http = await server({ status: 200, body: flagsDoc({ a: 'on' }) });
  const source = await httpSource({ uri: `${http.url}/flags.json` });
  const first = source.updates[0]!.configuration;
  await http.requestsMatching((r) => r.status === 200, 4);
  expect(source.updates.every((u) => u.configuration === first)).toBe(true);
});

test('outages keep the last good flags and say why: non-200, invalid body, refused connection, timeout', async () => {
  const http = await server({ status: 200, body: flagsDoc({ a: 'on' }), etag: '"v1"' });
  const source = await httpSource(
    { uri: `${http.url}/flags.json` },
    { parse: DAEMON_PARSE, http: { intervalMs: 40, offsetMs: 0, timeoutMs: 300 } },
  );
  const good = source.updates[0]!.configuration;
  const at = () => source.updates.length;

  http.answer = { status: 503, body: 'maintenance' };
  let u = await source.update((x) => codes(x).includes('UNAVAILABLE'), at());
  expect(u.configuration).toBe(good);
  expect(u.problems[0]!.message).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/flags\.json: HTTP 503/);

  http.answer = { status: 200, body: '{"flags": {"a": ' };
  u = await source.update((x) => codes(x).includes('INVALID'), at());
  expect(u.configuration).toBe(good);
  expect(codes(u)).toEqual(['INVALID']); // the server answered: no longer unavailable

  http.answer = { status: 200, body: flagsDoc({ a: 'on' }), hang: true };
  u = await source.update(
    (x) => /no answer within 300 ms/.test(x.problems.at(-1)?.message ?? ''),
    at(),
  );
  expect(u.configuration).toBe(good);

  await http.close();
  u = await source.update((x) => /ECONNREFUSED/.test(x.problems.at(-1)?.message ?? ''), at());
  expect(u.configuration).toBe(good);
  expect(served(u)).toEqual({ a: 'on' });
});

test('recovers when the server is back: problems clear, a new document is served', async () => {
  const http = await server({ status: 500, body: '' });
  const source = await httpSource({ uri: `${http.url}/flags.json` });
  expect(source.updates[0]!.configuration).toBeUndefined();
  expect(codes(source.updates[0]!)).toEqual(['UNAVAILABLE']);
  http.answer = { status: 200, body: flagsDoc({ late: 'on' }) };
  const u = await source.update((x) => x.configuration !== undefined);
  expect(served(u)).toEqual({ late: 'on' });
  expect(u.problems).toEqual([]);
});

test('YAML by extension or Content-Type, gzip decoded, redirects followed without Authorization off-origin', async () => {
  const yaml =
    'flags:\n  y:\n    state: ENABLED\n    variants: {on: true}\n    defaultVariant: "on"\n';
  const http = await server({
    status: 200,
    body: yaml,
    contentType: 'application/yaml',
    gzip: true,
  });
  const source = await httpSource({ uri: `${http.url}/flags`, authHeader: 'Bearer t' });
  expect(served(source.updates[0]!)).toEqual({ y: 'on' });
  expect(http.requests[0]!.headers['accept-encoding']).toMatch(/gzip/);

  const other = await server({ status: 200, body: flagsDoc({ moved: 'on' }) });
  http.answer = { status: 200, body: '', redirect: `${other.url}/moved.json` };
  const u = await source.update((x) => served(x)?.moved === 'on');
  expect(u.problems).toEqual([]);
  expect(other.requests[0]!.headers.authorization).toBeUndefined();
});

test('a body over the size bound is TOO_LARGE (the last good stays), checked on the decoded bytes', async () => {
  const small = flagsDoc({ a: 'on' });
  const http = await server({ status: 200, body: small });
  const context = {
    parse: { ...DAEMON_PARSE, limits: { maxBytes: 1000 } },
    http: { intervalMs: 40, offsetMs: 0 },
  };
  const source = await httpSource({ uri: `${http.url}/flags.json` }, context);
  const big = flagsDoc(
    Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`f${i}`, 'on' as const])),
  );
  http.answer = { status: 200, body: big, gzip: true }; // ~300 bytes compressed, ~5 KB decoded
  const u = await source.update((x) => codes(x).includes('TOO_LARGE'));
  expect(served(u)).toEqual({ a: 'on' });
  expect(u.problems[0]!.message).toMatch(/over the limit of 1000 bytes/);
});

test('https with certPath trusts that CA; an unreadable certPath is reported and retried', async () => {
  const certs = mintCertificates();
  try {
    const https = await server({ status: 200, body: flagsDoc({ tls: 'on' }) }, certs);
    const url = `https://localhost:${https.port}/flags.json`;
    const trusted = await httpSource({ uri: url, certPath: certs.caPath });
    expect(served(trusted.updates[0]!)).toEqual({ tls: 'on' });
    const untrusted = await httpSource({ uri: url });
    expect(untrusted.updates[0]!.problems[0]!.message).toMatch(/certificate/i);
    const missing = await httpSource({ uri: url, certPath: `${certs.dir}/nope.crt` });
    expect(missing.updates[0]!.problems[0]!.message).toMatch(/certPath: cannot read .*nope\.crt/);
  } finally {
    rmSync(certs.dir, { recursive: true, force: true });
  }
});

test("the operator's bearerToken is sent as a Bearer token; authHeader wins over it", async () => {
  const http = await server({ status: 200, body: flagsDoc({ a: 'on' }) });
  await httpSource({ uri: `${http.url}/a.json`, bearerToken: 'op-token' });
  await httpSource({ uri: `${http.url}/b.json`, bearerToken: 'op-token', authHeader: 'Basic x' });
  const auth = (path: string) => http.requests.find((r) => r.path === path)!.headers.authorization;
  expect(auth('/a.json')).toBe('Bearer op-token');
  expect(auth('/b.json')).toBe('Basic x');
});
