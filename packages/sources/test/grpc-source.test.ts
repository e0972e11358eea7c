// The grpc source (flagd's `grpc` provider) against a real loopback flagd.sync.v1 server: the
// request it opens (selector as header and field, providerID, headers as metadata), the last
// good flags kept while the upstream is away and an invalid payload rejected, the stream reopened
// and everything resent when the upstream returns, and a message over maxMsgSize reported as
// TOO_LARGE. The stream itself is the provider's sync feed, whose reconnect policy the provider's
// tests pin down.
import type { SourceConfig, SourceContext, SourceUpdate } from '../src/index.js';
import { createSource, resolveSource } from '../src/index.js';
import { TestSyncServer } from '../../provider/test/support/sync-server.js';
import { DAEMON_PARSE, flagsDoc, served } from './support/harness.js';
import { type Recorded, record } from './support/remote.js';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((o) => o.close()));
});

const CONTEXT: SourceContext = {
  parse: DAEMON_PARSE,
  grpc: { retryBackoffMs: 50, retryBackoffMaxMs: 200 },
};

async function grpcSource(config: Omit<SourceConfig, 'provider'>): Promise<Recorded> {
  const spec = resolveSource({ provider: 'grpc', ...config } as SourceConfig);
  const recorded = await record(createSource(spec, CONTEXT));
  open.push(recorded);
  return recorded;
}

async function upstream(configuration: string): Promise<TestSyncServer> {
  const server = await TestSyncServer.start(configuration);
  open.push(server);
  return server;
}

const codes = (u: SourceUpdate) => u.problems.map((p) => p.code);

test('opens SyncFlags with the selector (header and field), providerID and headers, and serves the stream', async () => {
  const server = await upstream(flagsDoc({ a: 'on' }));
  const source = await grpcSource({
    uri: `grpc://127.0.0.1:${server.port}`,
    selector: 'flagSetId=team',
    providerID: 'edge-1',
    headers: { authorization: 'Bearer t0ken', 'x-tenant': 'blue' },
  });
  expect(served(source.updates[0]!)).toEqual({ a: 'on' });
  expect(server.requests[0]).toMatchObject({
    providerId: 'edge-1',
    selectorField: 'flagSetId=team',
    selectorHeader: 'flagSetId=team',
    metadata: expect.objectContaining({ authorization: 'Bearer t0ken', 'x-tenant': 'blue' }),
  });
  server.push(flagsDoc({ a: 'off' }), { env: 'prod' });
  const pushed = await source.update((u) => served(u)?.a === 'off');
  expect(pushed.syncContext).toEqual({ env: 'prod' });
});

test('keeps the last good flags while the upstream is away or sends an invalid payload; resyncs when it returns', async () => {
  const server = await upstream(flagsDoc({ a: 'on' }));
  const source = await grpcSource({ uri: `127.0.0.1:${server.port}` });
  const good = source.updates[0]!.configuration;

  server.pushRaw('{"flags": {"a": ');
  let u = await source.update((x) => codes(x).includes('INVALID'));
  expect(u.configuration).toBe(good);

  server.kill();
  u = await source.update((x) => codes(x).includes('UNAVAILABLE'));
  expect(u.configuration).toBe(good);
  expect(u.problems.find((p) => p.code === 'UNAVAILABLE')!.message).toMatch(
    /^sync 127\.0\.0\.1:\d+: stream ended with [A-Z_]+: /,
  );

  server.configuration = flagsDoc({ a: 'off', b: 'on' });
  await server.restart();
  u = await source.update((x) => served(x)?.b === 'on');
  expect(served(u)).toEqual({ a: 'off', b: 'on' });
  expect(u.problems).toEqual([]);
});

test('a message over maxMsgSize is TOO_LARGE; the last good flags stay', async () => {
  const server = await upstream(flagsDoc({ a: 'on' }));
  const source = await grpcSource({ uri: `127.0.0.1:${server.port}`, maxMsgSize: 2000 });
  const many = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`f${i}`, 'on' as const]));
  server.push(flagsDoc(many));
  const u = await source.update((x) => codes(x).includes('TOO_LARGE'));
  expect(served(u)).toEqual({ a: 'on' });
  expect(u.problems[0]!.message).toMatch(/raise maxMsgSize/);
});
