// Reconnect policy of the sync source (docs/adr/0020) against real loopback gRPC servers: a lost
// healthy stream is reopened once the channel reconnects, whatever the stream backoff; while the
// server is down no stream is opened and connection attempts follow the channel's capped
// backoff; a reachable server that refuses streams gets the jittered exponential backoff.
// Bounds on attempts are upper bounds: a loaded machine only makes fewer attempts.
import { status } from '@grpc/grpc-js';
import { ProviderEvents } from '@openfeature/server-sdk';
import { SwitchyardProvider, type SwitchyardProviderOptions } from '../src/index.js';
import { connectionBackoff } from '@switchyard/sources';
import {
  ConnectionCounter,
  maxConnectionAttempts,
  maxStreamAttempts,
} from './support/connection-counter.js';
import { type EventLog, recordEvents } from './support/events.js';
import { flagConfig, silentLogger } from './support/flags.js';
import { loopbackOptions } from './support/loopback.js';
import { TestSyncServer } from './support/sync-server.js';

const servers: TestSyncServer[] = [];
const providers: SwitchyardProvider[] = [];
const logs: EventLog[] = [];
let counters: ConnectionCounter[] = [];

afterEach(async () => {
  for (const log of logs.splice(0)) log.stop();
  await Promise.all(providers.splice(0).map((p) => p.onClose()));
  await Promise.all(counters.map((c) => c.close()));
  counters = [];
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function connect(
  server: TestSyncServer,
  options: SwitchyardProviderOptions,
): Promise<{ provider: SwitchyardProvider; log: EventLog }> {
  const provider = new SwitchyardProvider(loopbackOptions(server.port, options), silentLogger());
  providers.push(provider);
  await provider.initialize();
  const log = recordEvents(provider.events);
  logs.push(log);
  return { provider, log };
}

async function color(provider: SwitchyardProvider): Promise<string> {
  return (await provider.resolveStringEvaluation('color', 'none', {})).value;
}

test('a lost stream is reopened as soon as the restarted server accepts connections, not after the stream backoff', async () => {
  const server = await TestSyncServer.start(flagConfig('red'));
  servers.push(server);
  // A stream backoff of 30–60 s would outlast this test; the connection backoff is capped at 1 s.
  const { provider, log } = await connect(server, {
    retryBackoffMs: 60_000,
    retryBackoffMaxMs: 120_000,
    retryGracePeriod: 600,
  });
  const streamsBefore = server.requests.length;
  server.kill();
  await log.waitFor(ProviderEvents.Stale);
  expect(await color(provider)).toBe('red'); // the last flags are served during the outage
  server.configuration = flagConfig('blue');
  await server.restart();
  await log.waitFor(ProviderEvents.ConfigurationChanged);
  expect(await color(provider)).toBe('blue');
  expect(log.types()).toEqual([
    ProviderEvents.Stale,
    ProviderEvents.Ready,
    ProviderEvents.ConfigurationChanged,
  ]);
  // One stream, opened once connected: none was tried (and failed) while the server was down.
  expect(server.requests.length - streamsBefore).toBe(1);
}, 20_000);

test('while the server is down, each client dials at the pace of its connection backoff and opens no stream', async () => {
  const options = { retryBackoffMs: 40, retryBackoffMaxMs: 150, retryGracePeriod: 600 };
  const backoff = connectionBackoff({ retryBackoffMs: 40, retryBackoffMaxMs: 150 });
  const clients = await Promise.all(
    [0, 1, 2].map(async () => {
      const server = await TestSyncServer.start(flagConfig('red'));
      servers.push(server);
      return { server, ...(await connect(server, options)) };
    }),
  );
  const lostAt = Date.now();
  for (const { server } of clients) server.kill();
  counters = await Promise.all(clients.map(({ server }) => ConnectionCounter.listen(server.port)));
  // Wait for 6 attempts per client, then check nobody got there faster than its backoff allows.
  await Promise.all(counters.map((c) => c.until(() => c.count('127.0.0.1') >= 6)));
  const bound = maxConnectionAttempts(Date.now() - lostAt, backoff);
  for (const counter of counters) expect(counter.count('127.0.0.1')).toBeLessThanOrEqual(bound);
  await Promise.all(counters.map((c) => c.close()));
  counters = [];

  const streamsBefore = clients.map(({ server }) => server.requests.length);
  for (const { server } of clients) {
    server.configuration = flagConfig('blue');
    await server.restart();
  }
  await Promise.all(clients.map(({ log }) => log.waitFor(ProviderEvents.ConfigurationChanged)));
  for (const [i, { server, provider, log }] of clients.entries()) {
    expect(await color(provider)).toBe('blue');
    expect(server.requests.length - streamsBefore[i]!).toBe(1);
    expect(log.types()).not.toContain(ProviderEvents.Error);
  }
}, 30_000);

test('a reachable server that fails every stream is retried with the jittered exponential backoff, no faster', async () => {
  const server = await TestSyncServer.start(flagConfig('red'));
  servers.push(server);
  const { log } = await connect(server, {
    retryBackoffMs: 40,
    retryBackoffMaxMs: 160,
    retryGracePeriod: 600,
  });
  const streamsBefore = server.requests.length;
  const failedAt = Date.now();
  server.failWith = { code: status.UNAVAILABLE, details: 'no healthy upstream' }; // as a proxy says
  server.endStreams(server.failWith);
  await log.waitFor(ProviderEvents.Stale);
  // The first failure after a valid configuration is retried at once; then the backoff applies.
  while (server.requests.length - streamsBefore < 8) await server.nextRequest();
  const attempts = server.requests.length - streamsBefore;
  const bound = 1 + maxStreamAttempts(Date.now() - failedAt, { initialMs: 40, maxMs: 160 });
  expect(attempts).toBeLessThanOrEqual(bound);

  server.failWith = undefined;
  server.push(flagConfig('blue'));
  await log.waitFor(ProviderEvents.ConfigurationChanged);
  expect(log.types()).toEqual([
    ProviderEvents.Stale,
    ProviderEvents.Ready,
    ProviderEvents.ConfigurationChanged,
  ]);
}, 30_000);
