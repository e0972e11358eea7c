// sync_context (SyncFlagsResponse field 2) is merged into evaluation contexts at the LOWEST
// precedence: the caller's context wins. The official provider installs an async provider hook
// whose result the SDK merges OVER the caller's context (its SyncMetadataHook.ts), so there the
// daemon wins; docs/adr/0013 records why we deviate. No hook is used: core gets a base context.
import { OpenFeature } from '@openfeature/server-sdk';
import { SwitchyardProvider, type SwitchyardProviderOptions } from '../src/index.js';
import { flagConfig, silentLogger } from './support/flags.js';
import { TestSyncServer } from './support/sync-server.js';

let server: TestSyncServer | undefined;
let provider: SwitchyardProvider | undefined;

afterEach(async () => {
  await provider?.onClose();
  await server?.close();
  await OpenFeature.clearProviders();
  provider = undefined;
  server = undefined;
});

async function connect(options: SwitchyardProviderOptions = {}) {
  server = await TestSyncServer.start(flagConfig());
  server.syncContext = { tier: 'gold', region: 'eu' };
  provider = new SwitchyardProvider(
    { resolverType: 'in-process', host: '127.0.0.1', port: server.port, ...options },
    silentLogger(),
  );
  await OpenFeature.setProviderAndWait('sync-context', provider);
  return OpenFeature.getClient('sync-context');
}

test('the sync_context applies when the caller does not set the key', async () => {
  const client = await connect();
  expect(await client.getBooleanDetails('new-ui', false, {})).toMatchObject({
    value: true,
    reason: 'TARGETING_MATCH',
  });
});

test("the caller's context wins over the sync_context", async () => {
  const client = await connect();
  expect(await client.getBooleanValue('new-ui', true, { tier: 'silver' })).toBe(false);
});

test('the provider installs no hooks (no per-evaluation async work)', async () => {
  await connect();
  expect(provider!.hooks).toEqual([]);
});

test('contextEnricher maps the sync_context first', async () => {
  const client = await connect({
    contextEnricher: (sync) => ({ tier: sync?.region === 'eu' ? 'gold' : 'none' }),
  });
  expect(await client.getBooleanValue('new-ui', false)).toBe(true);
});

test('a new sync_context replaces the previous one', async () => {
  const client = await connect();
  const changed = new Promise((resolve) =>
    provider!.events.addHandler('PROVIDER_CONFIGURATION_CHANGED' as never, resolve),
  );
  server!.push(flagConfig('blue'), { tier: 'bronze' });
  await changed;
  expect(await client.getBooleanValue('new-ui', true)).toBe(false);
});
