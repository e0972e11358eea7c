// fatalStatusCodes → FATAL (OpenFeature spec 1.7.3–1.7.6, 5.1.5: an ERROR event carrying
// PROVIDER_FATAL; the official provider emits STALE first and later downgrades FATAL to ERROR,
// its grpc-fetch.ts), and onClose cancelling every timer and stream (spec 2.5.x).
import { ErrorCode, OpenFeature, ProviderEvents, ProviderStatus } from '@openfeature/server-sdk';
import { SwitchyardProvider, type SwitchyardProviderOptions } from '../src/index.js';
import { type EventLog, recordEvents } from './support/events.js';
import { loopbackOptions } from './support/loopback.js';
import { closedPort, flagConfig, silentLogger } from './support/flags.js';
import { TestSyncServer } from './support/sync-server.js';

const PERMISSION_DENIED = 7;
const UNAUTHENTICATED = 16;

let server: TestSyncServer | undefined;
let provider: SwitchyardProvider | undefined;
let log: EventLog | undefined;

function make(port: number, options: SwitchyardProviderOptions = {}): SwitchyardProvider {
  provider = new SwitchyardProvider(
    loopbackOptions(port, {
      fatalStatusCodes: ['PERMISSION_DENIED', String(UNAUTHENTICATED)],
      ...options,
    }),
    silentLogger(),
  );
  log = recordEvents(provider.events);
  return provider;
}

afterEach(async () => {
  log?.stop();
  await provider?.onClose();
  await server?.close();
  await OpenFeature.clearProviders();
  provider = undefined;
  server = undefined;
});

test('a fatal status at init rejects with ProviderFatalError; the SDK client is FATAL; no retry, no STALE', async () => {
  server = await TestSyncServer.start(flagConfig());
  server.failWith = { code: PERMISSION_DENIED, details: 'forbidden' };
  const p = make(server.port);
  await expect(OpenFeature.setProviderAndWait('fatal-init', p)).rejects.toMatchObject({
    code: ErrorCode.PROVIDER_FATAL,
  });
  const client = OpenFeature.getClient('fatal-init');
  expect(client.providerStatus).toBe(ProviderStatus.FATAL);
  const details = await client.getStringDetails('color', 'fallback');
  expect(details).toMatchObject({ value: 'fallback', errorCode: ErrorCode.PROVIDER_FATAL });
  expect(server.requests).toHaveLength(1);
  expect(log!.types()).not.toContain(ProviderEvents.Stale);
});

test('a fatal status after READY emits ERROR with PROVIDER_FATAL, and nothing is left to downgrade it', async () => {
  const baseline = activeTimers();
  server = await TestSyncServer.start(flagConfig());
  const p = make(server.port);
  await OpenFeature.setProviderAndWait('fatal-later', p);
  const client = OpenFeature.getClient('fatal-later');
  server.endStreams({ code: UNAUTHENTICATED, details: 'token revoked' }); // listed as a number
  const error = await log!.waitFor(ProviderEvents.Error);
  expect(error.details).toMatchObject({ errorCode: ErrorCode.PROVIDER_FATAL });
  expect(client.providerStatus).toBe(ProviderStatus.FATAL);
  // No grace or retry timer survives FATAL, so no later event can downgrade it to ERROR/READY.
  // (The server goes first so its own session timers do not count.)
  server.kill();
  expect(activeTimers()).toBeLessThanOrEqual(baseline);
  expect(log!.types()).toEqual([ProviderEvents.Error]);
  expect(server.requests).toHaveLength(1);
});

test('status names in fatalStatusCodes are case-insensitive', async () => {
  server = await TestSyncServer.start(flagConfig());
  server.failWith = { code: PERMISSION_DENIED, details: 'forbidden' };
  const p = make(server.port, { fatalStatusCodes: ['permission_denied'] });
  await expect(p.initialize()).rejects.toMatchObject({ code: ErrorCode.PROVIDER_FATAL });
});

test('a status not listed is not fatal', async () => {
  server = await TestSyncServer.start(flagConfig());
  server.failWith = { code: PERMISSION_DENIED, details: 'forbidden' };
  const p = make(server.port, { fatalStatusCodes: [], deadlineMs: 200 });
  await expect(p.initialize()).rejects.not.toMatchObject({ code: ErrorCode.PROVIDER_FATAL });
  expect(p.state).toBe('ERROR');
});

function activeTimers(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}

test('onClose during an outage cancels the grace timer, the backoff timer and the stream', async () => {
  const baseline = activeTimers();
  server = await TestSyncServer.start(flagConfig());
  const p = make(server.port, {
    retryGracePeriod: 60,
    retryBackoffMs: 60_000,
    retryBackoffMaxMs: 60_000,
  });
  await p.initialize();
  server.kill();
  await log!.waitFor(ProviderEvents.Stale); // now a grace timer and a backoff timer are pending
  expect(activeTimers()).toBeGreaterThan(baseline);
  await p.onClose();
  expect(activeTimers()).toBe(baseline);
  await server.restart();
  expect(server.openStreams).toBe(0);
  expect(log!.types()).toEqual([ProviderEvents.Stale]);
});

test('onClose during a pending initialize rejects it and stops retrying', async () => {
  const baseline = activeTimers();
  const p = make(await closedPort(), { deadlineMs: 60_000 });
  const init = p.initialize();
  await p.onClose();
  await expect(init).rejects.toThrow(/closed/);
  expect(activeTimers()).toBe(baseline);
});
