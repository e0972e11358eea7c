// In-process sync source: how the provider reaches its daemon (target, TLS, unix socket, selector
// header, as the testbed's connection.feature uses them). Every test talks to a real loopback
// gRPC server.
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpenFeature } from '@openfeature/server-sdk';
import { SwitchyardProvider } from '../src/index.js';
import { flagConfig, silentLogger } from './support/flags.js';
import { TestSyncServer } from './support/sync-server.js';
import { mintCertificates } from './support/tls.js';

const fast = { deadlineMs: 5000, retryBackoffMs: 50, retryBackoffMaxMs: 200 };

let server: TestSyncServer | undefined;
let provider: SwitchyardProvider | undefined;

afterEach(async () => {
  await provider?.onClose();
  await server?.close();
  provider = undefined;
  server = undefined;
});

test('connects to host:port, sends providerId, the flagd-selector header and the deprecated field', async () => {
  server = await TestSyncServer.start(flagConfig());
  provider = new SwitchyardProvider(
    {
      ...fast,
      resolverType: 'in-process',
      host: '127.0.0.1',
      port: server.port,
      selector: 'source=flags/a.json',
      providerId: 'checkout-service',
    },
    silentLogger(),
  );
  await provider.initialize();
  expect(server.requests[0]).toMatchObject({
    providerId: 'checkout-service',
    selectorHeader: 'source=flags/a.json',
    selectorField: 'source=flags/a.json',
  });
  const result = await provider.resolveStringEvaluation('color', 'none', {}, silentLogger());
  expect(result).toMatchObject({ value: 'red', variant: 'red', reason: 'STATIC' });
});

test('without a selector no header is sent and the field is empty', async () => {
  server = await TestSyncServer.start(flagConfig());
  provider = new SwitchyardProvider(
    { ...fast, resolverType: 'in-process', host: '127.0.0.1', port: server.port },
    silentLogger(),
  );
  await provider.initialize();
  expect(server.requests[0]).toMatchObject({ selectorHeader: undefined, selectorField: '' });
});

test('the stream carries streamDeadlineMs as its gRPC deadline', async () => {
  server = await TestSyncServer.start(flagConfig());
  provider = new SwitchyardProvider(
    {
      ...fast,
      resolverType: 'in-process',
      host: '127.0.0.1',
      port: server.port,
      streamDeadlineMs: 60_000,
    },
    silentLogger(),
  );
  const before = Date.now();
  await provider.initialize();
  const deadline = server.requests[0]!.deadline;
  expect(deadline).toBeGreaterThanOrEqual(before + 59_000);
  expect(deadline).toBeLessThanOrEqual(Date.now() + 60_000);
});

test('targetUri envoy://host:port/authority connects to host:port with that :authority', async () => {
  server = await TestSyncServer.start(flagConfig());
  provider = new SwitchyardProvider(
    {
      ...fast,
      resolverType: 'in-process',
      targetUri: `envoy://127.0.0.1:${server.port}/sync.service`,
    },
    silentLogger(),
  );
  await provider.initialize();
  expect(server.requests[0]!.authority).toBe('sync.service');
});

test('socketPath connects over a unix socket', async () => {
  const socketPath = join(tmpdir(), `switchyard-${process.pid}-${Date.now()}.sock`);
  server = await TestSyncServer.start(flagConfig('blue'), { socketPath });
  try {
    provider = new SwitchyardProvider(
      { ...fast, resolverType: 'in-process', socketPath },
      silentLogger(),
    );
    await provider.initialize();
    const result = await provider.resolveStringEvaluation('color', 'none', {}, silentLogger());
    expect(result.value).toBe('blue');
  } finally {
    await provider?.onClose();
    await server.close();
    rmSync(socketPath, { force: true });
  }
});

test('tls with certPath trusts the given CA', async () => {
  const certs = mintCertificates();
  try {
    server = await TestSyncServer.start(flagConfig(), { tls: certs });
    provider = new SwitchyardProvider(
      {
        ...fast,
        resolverType: 'in-process',
        host: 'localhost',
        port: server.port,
        tls: true,
        certPath: certs.caPath,
      },
      silentLogger(),
    );
    await provider.initialize();
    expect(server.requests).toHaveLength(1);
  } finally {
    rmSync(certs.dir, { recursive: true, force: true });
  }
});

test('an unreadable certPath is FATAL with a clear message (no silent fallback to system roots)', async () => {
  provider = new SwitchyardProvider(
    { ...fast, resolverType: 'in-process', tls: true, certPath: '/nonexistent/ca.crt' },
    silentLogger(),
  );
  await expect(provider.initialize()).rejects.toMatchObject({
    code: 'PROVIDER_FATAL',
    message: expect.stringContaining('/nonexistent/ca.crt'),
  });
});

test('OpenFeature.setProviderAndWait with a sync source, then client evaluation', async () => {
  server = await TestSyncServer.start(flagConfig('blue'));
  provider = new SwitchyardProvider(
    { ...fast, resolverType: 'in-process', host: '127.0.0.1', port: server.port },
    silentLogger(),
  );
  await OpenFeature.setProviderAndWait('sync-connection', provider);
  const client = OpenFeature.getClient('sync-connection');
  expect(await client.getStringValue('color', 'none')).toBe('blue');
  expect(await client.getBooleanValue('new-ui', false, { tier: 'gold' })).toBe(true);
  await OpenFeature.clearProviders();
});
