// Last-known-good configuration on disk (docs/adr/0011). A provider that starts
// while its daemon is unreachable serves the persisted configuration, says so in flag metadata,
// and switches to the live stream when it connects.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpenFeature, ProviderEvents, ProviderStatus } from '@openfeature/server-sdk';
import { SwitchyardProvider, type SwitchyardProviderOptions } from '../src/index.js';
import { type EventLog, recordEvents } from './support/events.js';
import { loopbackOptions } from './support/loopback.js';
import { flagConfig, silentLogger } from './support/flags.js';
import { TestSyncServer } from './support/sync-server.js';

let dir: string;
let server: TestSyncServer | undefined;
const providers: SwitchyardProvider[] = [];
const logs: EventLog[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'switchyard-lkg-'));
});

afterEach(async () => {
  for (const l of logs.splice(0)) l.stop();
  for (const p of providers.splice(0)) await p.onClose();
  await server?.close();
  server = undefined;
  await OpenFeature.clearProviders();
  rmSync(dir, { recursive: true, force: true });
});

function make(port: number, options: SwitchyardProviderOptions = {}) {
  const provider = new SwitchyardProvider(
    loopbackOptions(port, { deadlineMs: 1000, cacheDir: dir, ...options }),
    silentLogger(),
  );
  providers.push(provider);
  const log = recordEvents(provider.events);
  logs.push(log);
  return { provider, log };
}

/** Runs a provider against the daemon once, so the cache holds `config`. */
async function prime(port: number, options: SwitchyardProviderOptions = {}) {
  const { provider } = make(port, options);
  await provider.initialize();
  await provider.onClose(); // flushes the cache write
}

test('each applied configuration is persisted atomically (temp + rename, nothing left behind)', async () => {
  server = await TestSyncServer.start(flagConfig('blue'));
  server.syncContext = { tier: 'gold' };
  const { provider, log } = make(server.port);
  await provider.initialize();
  server.push(flagConfig('red'));
  await log.waitFor(ProviderEvents.ConfigurationChanged);
  await provider.onClose();
  const files = readdirSync(dir);
  expect(files).toHaveLength(1);
  expect(files[0]).toMatch(/^switchyard-lkg-[0-9a-f]+\.json$/);
  const stored = JSON.parse(readFileSync(join(dir, files[0]!), 'utf8'));
  expect(stored).toMatchObject({
    format: 'switchyard-lkg/1',
    flagConfiguration: flagConfig('red'),
    syncContext: { tier: 'gold' },
  });
});

test('daemon absent at startup: READY from the persisted configuration, metadata says cached and how old', async () => {
  server = await TestSyncServer.start(flagConfig('blue'));
  const port = server.port;
  await prime(port);
  server.kill();

  const { provider, log } = make(port);
  const started = Date.now();
  await OpenFeature.setProviderAndWait('lkg', provider);
  expect(Date.now() - started).toBeLessThan(1000); // did not wait for deadlineMs
  const client = OpenFeature.getClient('lkg');
  expect(client.providerStatus).toBe(ProviderStatus.READY);
  const details = await client.getStringDetails('color', 'none');
  expect(details.value).toBe('blue');
  expect(details.flagMetadata).toMatchObject({ switchyardCached: true });
  expect(details.flagMetadata.switchyardCacheAgeSeconds).toEqual(expect.any(Number));
  expect(log.types()).toEqual([]); // still unreachable, but READY from the cache: no STALE

  // The daemon comes back with a newer configuration: live values, no cache metadata.
  await server.restart();
  server.push(flagConfig('red'));
  const changed = await log.waitFor(ProviderEvents.ConfigurationChanged);
  expect(changed.details.flagsChanged).toEqual(['color']);
  const live = await client.getStringDetails('color', 'none');
  expect(live.value).toBe('red');
  expect(live.flagMetadata.switchyardCached).toBeUndefined();
});

test('after the stream connects, a later outage follows the normal STALE → ERROR path', async () => {
  server = await TestSyncServer.start(flagConfig('blue'));
  await prime(server.port);
  server.kill();
  const { provider, log } = make(server.port);
  await provider.initialize();
  server.configuration = flagConfig('red');
  await server.restart();
  await log.waitFor(ProviderEvents.ConfigurationChanged); // the live stream took over
  server.kill();
  await log.waitFor(ProviderEvents.Stale);
  await log.waitFor(ProviderEvents.Error);
});

test('the cache is keyed by target and selector: another selector does not see it', async () => {
  server = await TestSyncServer.start(flagConfig('blue'));
  await prime(server.port, { selector: 'flagSetId=a' });
  server.kill();
  const { provider } = make(server.port, { selector: 'flagSetId=b', deadlineMs: 200 });
  await expect(provider.initialize()).rejects.toThrow(/SOURCE_UNAVAILABLE/);
});

test('without cacheDir nothing is written', async () => {
  server = await TestSyncServer.start(flagConfig('blue'));
  const { provider } = make(server.port, { cacheDir: '' });
  expect(provider.options.cacheDir).toBeUndefined();
  await provider.initialize();
  await provider.onClose();
  expect(readdirSync(dir)).toEqual([]);
});
