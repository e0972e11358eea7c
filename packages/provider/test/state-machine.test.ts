// The connection state machine against a real loopback sync server that is killed, restarted,
// slowed, ends its streams, hits deadlines and sends invalid payloads. Events are OpenFeature spec
// §5 (5.1.1 event types, 5.1.4/5.1.5 ERROR with an error code); the official provider's defects
// these tests pin down are in
// open-feature/js-sdk-contrib:libs/providers/flagd/src/lib/flagd-provider.ts and
// service/in-process/grpc/grpc-fetch.ts.
import { ErrorCode, ProviderEvents } from '@openfeature/server-sdk';
import { type SwitchyardProviderOptions, SwitchyardProvider } from '../src/index.js';
import { type EventLog, recordEvents } from './support/events.js';
import { loopbackOptions } from './support/loopback.js';
import { INVALID_CONFIG, closedPort, flagConfig, silentLogger } from './support/flags.js';
import { TestSyncServer } from './support/sync-server.js';

let server: TestSyncServer | undefined;
let provider: SwitchyardProvider | undefined;
let log: EventLog | undefined;

function make(port: number, options: SwitchyardProviderOptions = {}): SwitchyardProvider {
  provider = new SwitchyardProvider(
    loopbackOptions(port, { retryGracePeriod: 0.4, ...options }),
    silentLogger(),
  );
  log = recordEvents(provider.events);
  return provider;
}

async function color(p: SwitchyardProvider) {
  return p.resolveStringEvaluation('color', 'none', {});
}

afterEach(async () => {
  log?.stop();
  await provider?.onClose();
  await server?.close();
  provider = undefined;
  server = undefined;
  log = undefined;
});

test('READY after the first valid configuration; changes emit CONFIGURATION_CHANGED with flagsChanged', async () => {
  server = await TestSyncServer.start(flagConfig('red'));
  const p = make(server.port);
  await p.initialize();
  expect(p.state).toBe('READY');
  expect(log!.types()).toEqual([]); // the SDK emits READY for a resolved initialize
  server.push(flagConfig('blue'));
  const changed = await log!.waitFor(ProviderEvents.ConfigurationChanged);
  expect(changed.details.flagsChanged).toEqual(['color']);
  expect((await color(p)).value).toBe('blue');
});

test('an invalid first payload is not READY: initialize rejects with the reason; a valid one then gives READY + CHANGED', async () => {
  server = await TestSyncServer.start(INVALID_CONFIG);
  const p = make(server.port);
  await expect(p.initialize()).rejects.toThrow(/CONFIGURATION_INVALID/);
  expect(p.state).toBe('ERROR');
  expect((await color(p)).errorCode).toBe(ErrorCode.PROVIDER_NOT_READY);
  server.push(flagConfig('red'));
  await log!.waitFor(ProviderEvents.Ready);
  const changed = await log!.waitFor(ProviderEvents.ConfigurationChanged);
  expect(changed.details.flagsChanged).toEqual(expect.arrayContaining(['color', 'new-ui']));
  expect(log!.types()).toEqual([ProviderEvents.Ready, ProviderEvents.ConfigurationChanged]);
});

test('an invalid payload while READY keeps the last configuration and the state', async () => {
  server = await TestSyncServer.start(flagConfig('blue'));
  const p = make(server.port);
  await p.initialize();
  server.pushRaw(INVALID_CONFIG);
  server.push(flagConfig('red')); // the stream is still healthy afterwards
  await log!.waitFor(ProviderEvents.ConfigurationChanged);
  expect(log!.types()).toEqual([ProviderEvents.ConfigurationChanged]);
  expect(p.state).toBe('READY');
});

test('killed daemon: STALE, ERROR after retryGracePeriod, READY + CHANGED on restart; evaluations keep the last configuration', async () => {
  server = await TestSyncServer.start(flagConfig('blue'));
  const p = make(server.port);
  await p.initialize();
  server.kill();
  const stale = await log!.waitFor(ProviderEvents.Stale);
  expect((await color(p)).value).toBe('blue'); // during the outage
  const error = await log!.waitFor(ProviderEvents.Error);
  expect(error.at - stale.at).toBeGreaterThanOrEqual(380);
  expect(error.details.errorCode).toBe(ErrorCode.GENERAL);
  expect(p.state).toBe('ERROR');
  expect((await color(p)).value).toBe('blue');
  server.configuration = flagConfig('red'); // changed while it was down
  await server.restart();
  await log!.waitFor(ProviderEvents.Ready);
  const changed = await log!.waitFor(ProviderEvents.ConfigurationChanged);
  expect(changed.details.flagsChanged).toEqual(['color']);
  expect(log!.types()).toEqual([
    ProviderEvents.Stale,
    ProviderEvents.Error,
    ProviderEvents.Ready,
    ProviderEvents.ConfigurationChanged,
  ]);
});

test('a short outage is STALE then READY, without ERROR, when it ends within the grace period', async () => {
  server = await TestSyncServer.start(flagConfig('blue'));
  const p = make(server.port, { retryGracePeriod: 30 });
  await p.initialize();
  server.kill();
  await log!.waitFor(ProviderEvents.Stale);
  await server.restart();
  await log!.waitFor(ProviderEvents.Ready);
  expect(log!.types()).toEqual([ProviderEvents.Stale, ProviderEvents.Ready]);
});

test('a stream the server ends with status OK reconnects without STALE (the official provider does not handle "end")', async () => {
  server = await TestSyncServer.start(flagConfig('blue'));
  const p = make(server.port);
  await p.initialize();
  const reconnect = server.nextRequest();
  server.endStreams();
  await reconnect;
  server.push(flagConfig('red'));
  await log!.waitFor(ProviderEvents.ConfigurationChanged);
  expect(log!.types()).toEqual([ProviderEvents.ConfigurationChanged]);
});

test('routine recycling at streamDeadlineMs never surfaces as STALE', async () => {
  server = await TestSyncServer.start(flagConfig('blue'));
  const p = make(server.port, { streamDeadlineMs: 250 });
  await p.initialize();
  while (server.requests.length < 4) await server.nextRequest();
  expect(log!.types()).toEqual([]);
  expect(p.state).toBe('READY');
});

test('a slowed daemon: initialize rejects after deadlineMs with the cause, READY + CHANGED when the first payload arrives', async () => {
  server = await TestSyncServer.start(flagConfig('blue'));
  server.firstPayloadDelayMs = 600;
  const p = make(server.port, { deadlineMs: 150 });
  const started = Date.now();
  await expect(p.initialize()).rejects.toThrow(/within 150 ms/);
  expect(Date.now() - started).toBeLessThan(500);
  await log!.waitFor(ProviderEvents.Ready);
  const changed = await log!.waitFor(ProviderEvents.ConfigurationChanged);
  expect(changed.details.flagsChanged).toEqual(expect.arrayContaining(['color', 'new-ui']));
  expect((await color(p)).value).toBe('blue');
});

test('absent daemon: no STALE during init, initialize rejects within deadlineMs, READY later once it starts', async () => {
  const port = await closedPort();
  const p = make(port, { deadlineMs: 200 });
  await expect(p.initialize()).rejects.toThrow(/SOURCE_UNAVAILABLE/);
  expect(log!.types()).toEqual([]);
  server = await TestSyncServer.start(flagConfig('blue'), { port });
  await log!.waitFor(ProviderEvents.Ready);
  await log!.waitFor(ProviderEvents.ConfigurationChanged);
  expect(log!.types()).toEqual([ProviderEvents.Ready, ProviderEvents.ConfigurationChanged]);
});

test('a stream that fails with a non-fatal status retries with backoff', async () => {
  server = await TestSyncServer.start(flagConfig('blue'));
  server.failWith = { code: 14, details: 'try later' }; // UNAVAILABLE
  const p = make(server.port, { deadlineMs: 2000 });
  const init = p.initialize();
  while (server.requests.length < 3) await server.nextRequest();
  server.failWith = undefined;
  await init;
  expect(p.state).toBe('READY');
});
