// RPC mode (docs/adr/0034) against a real loopback flagd.evaluation.v2 server: unary calls with
// the selector header, flagd's status → error code mapping, the LRU cache of STATIC results
// (answered as CACHED, flushed on configuration_change and on a reconnect, not written while the
// stream is down, purged in ERROR, off with cache 'disabled', bounded by maxCacheSize), and the
// EventStream driving READY, CONFIGURATION_CHANGED, STALE and ERROR.
import { status } from '@grpc/grpc-js';
import { ErrorCode, ProviderEvents } from '@openfeature/server-sdk';
import { SwitchyardProvider, type SwitchyardProviderOptions } from '../src/index.js';
import { LruCache } from '../src/rpc/lru-cache.js';
import { type EventLog, recordEvents } from './support/events.js';
import { closedPort, silentLogger } from './support/flags.js';
import { TestEvaluationServer } from './support/evaluation-server.js';

let server: TestEvaluationServer | undefined;
let provider: SwitchyardProvider | undefined;
let log: EventLog | undefined;

afterEach(async () => {
  log?.stop();
  await provider?.onClose();
  server?.kill();
  provider = undefined;
  server = undefined;
  log = undefined;
});

async function connect(options: SwitchyardProviderOptions = {}): Promise<SwitchyardProvider> {
  server ??= await TestEvaluationServer.start();
  server.answers.set('color', { value: 'red', variant: 'red', reason: 'STATIC' });
  server.answers.set('new-ui', { value: true, variant: 'on', reason: 'TARGETING_MATCH' });
  provider = new SwitchyardProvider(
    {
      resolverType: 'rpc',
      host: '127.0.0.1',
      port: server.port,
      deadlineMs: 5000,
      retryBackoffMs: 40,
      retryBackoffMaxMs: 150,
      retryGracePeriod: 0.2,
      ...options,
    },
    silentLogger(),
  );
  await provider.initialize();
  log = recordEvents(provider.events);
  return provider;
}

const color = async () => provider!.resolveStringEvaluation('color', 'none', {});

test('STATIC results are cached and answered as CACHED; TARGETING_MATCH results are not', async () => {
  await connect({ selector: 'flagSetId=shop' });
  expect(await color()).toMatchObject({ value: 'red', variant: 'red', reason: 'STATIC' });
  expect(await color()).toMatchObject({ value: 'red', variant: 'red', reason: 'CACHED' });
  expect(server!.calls.filter((c) => c.flagKey === 'color')).toHaveLength(1);
  for (let i = 0; i < 2; i++) {
    expect(await provider!.resolveBooleanEvaluation('new-ui', false, {})).toMatchObject({
      value: true,
      reason: 'TARGETING_MATCH',
    });
  }
  expect(server!.calls.filter((c) => c.flagKey === 'new-ui')).toHaveLength(2);
  expect(new Set(server!.selectors)).toEqual(new Set(['flagSetId=shop']));
});

test('a configuration change flushes the cache and is emitted with the changed keys', async () => {
  await connect();
  await color();
  server!.answers.set('color', { value: 'blue', variant: 'blue', reason: 'STATIC' });
  server!.change(['color']);
  const changed = await log!.waitFor(ProviderEvents.ConfigurationChanged);
  expect(changed.details).toMatchObject({ flagsChanged: ['color'] });
  expect(await color()).toMatchObject({ value: 'blue', reason: 'STATIC' });
  expect(await color()).toMatchObject({ value: 'blue', reason: 'CACHED' });
});

test("cache 'disabled' asks every time; maxCacheSize bounds the entries", async () => {
  await connect({ cache: 'disabled' });
  expect((await color()).reason).toBe('STATIC');
  expect((await color()).reason).toBe('STATIC');
  expect(server!.calls).toHaveLength(2);

  const lru = new LruCache<number>(2);
  lru.set('a', 1);
  lru.set('b', 2);
  expect(lru.get('a')).toBe(1); // a is now the most recent
  lru.set('c', 3);
  expect([lru.get('a'), lru.get('b'), lru.get('c')]).toEqual([1, undefined, 3]);
  expect(new LruCache<number>(0).size).toBe(0);
});

test("flagd's status codes map to OpenFeature error codes; the default value is returned", async () => {
  await connect();
  server!.answers.set('typed', { code: status.INVALID_ARGUMENT, details: 'TYPE_MISMATCH: x' });
  server!.answers.set('broken', { code: status.DATA_LOSS, details: 'PARSE_ERROR: x' });
  server!.answers.set('odd', { code: status.UNKNOWN, details: 'GENERAL: x' });
  const cases = [
    ['missing', ErrorCode.FLAG_NOT_FOUND],
    ['typed', ErrorCode.TYPE_MISMATCH],
    ['broken', ErrorCode.PARSE_ERROR],
    ['odd', ErrorCode.GENERAL],
  ] as const;
  for (const [key, code] of cases) {
    expect(await provider!.resolveNumberEvaluation(key, 7, {})).toMatchObject({
      value: 7,
      reason: 'ERROR',
      errorCode: code,
    });
  }
});

test('an answer later than deadlineMs is GENERAL with the default value', async () => {
  await connect({ deadlineMs: 200 });
  server!.delayMs = 2000;
  expect(await color()).toMatchObject({ value: 'none', reason: 'ERROR', errorCode: 'GENERAL' });
});

test('while the stream is down the cache is read (STALE) but not written; in ERROR it is purged; a reconnect flushes it', async () => {
  await connect({ retryGracePeriod: 1 });
  await color(); // cached
  server!.answers.set('late', { value: 1, variant: 'one', reason: 'STATIC' });
  const down = { code: status.UNAVAILABLE, details: 'going away' };
  server!.refuseStreams = down;
  server!.endStreams(down);
  await log!.waitFor(ProviderEvents.Stale);
  expect((await color()).reason).toBe('CACHED');
  await provider!.resolveNumberEvaluation('late', 0, {});
  expect((await provider!.resolveNumberEvaluation('late', 0, {})).reason).toBe('STATIC');
  await log!.waitFor(ProviderEvents.Error);
  expect((await color()).reason).toBe('STATIC');
  server!.refuseStreams = undefined;
  await log!.waitFor(ProviderEvents.Ready);
  expect((await color()).reason).toBe('STATIC');
  expect((await color()).reason).toBe('CACHED');
});

test('no evaluation port: initialize rejects after deadlineMs, naming the target', async () => {
  const port = await closedPort();
  provider = new SwitchyardProvider(
    { resolverType: 'rpc', host: '127.0.0.1', port, deadlineMs: 300 },
    silentLogger(),
  );
  await expect(provider.initialize()).rejects.toThrow(`127.0.0.1:${port}`);
});
