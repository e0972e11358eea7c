// Reconnect pacing: the stream backoff (capped exponential, equal jitter) and the grpc-js
// connection backoff derived from the same options (docs/adr/0014, docs/adr/0020).
import { createBackoff } from '../src/grpc/backoff.js';
import { channelOptions, connectionBackoff, grpcTarget } from '../src/grpc/grpc-channel.js';

test('doubles from retryBackoffMs up to retryBackoffMaxMs, with jitter in [d/2, d]', () => {
  const low = createBackoff(100, 1000, () => 0);
  expect([1, 2, 3, 4, 5, 6].map(() => low.next())).toEqual([50, 100, 200, 400, 500, 500]);
  const high = createBackoff(100, 1000, () => 1);
  expect([1, 2, 3, 4, 5].map(() => high.next())).toEqual([100, 200, 400, 800, 1000]);
});

test('every delay stays within [ceiling/2, ceiling] for any random value and options', () => {
  const randoms = [0, 1e-9, 0.25, 0.5, 0.75, 0.999_999];
  for (const [initial, max] of [
    [1, 1],
    [40, 150],
    [100, 1000],
    [1000, 12_000],
    [1000, 5000],
    [333, 7777],
  ] as const) {
    for (const r of randoms) {
      const backoff = createBackoff(initial, max, () => r);
      let ceiling: number = initial;
      for (let attempt = 0; attempt < 40; attempt++) {
        const delay = backoff.next();
        expect(delay).toBeGreaterThanOrEqual(Math.floor(ceiling / 2));
        expect(delay).toBeLessThanOrEqual(ceiling);
        ceiling = Math.min(max, ceiling * 2);
      }
    }
  }
});

test('clients retrying at the same moment spread over the jitter window', () => {
  const firsts = Array.from({ length: 200 }, () => createBackoff(1000, 12_000).next());
  expect(Math.min(...firsts)).toBeGreaterThanOrEqual(500);
  expect(Math.max(...firsts)).toBeLessThanOrEqual(1000);
  expect(new Set(firsts).size).toBeGreaterThan(50);
});

test('reset starts again from the initial delay', () => {
  const b = createBackoff(100, 1000, () => 1);
  b.next();
  b.next();
  b.reset();
  expect(b.next()).toBe(100);
});

test('a max below the initial delay caps at the initial delay', () => {
  const b = createBackoff(500, 100, () => 1);
  expect([b.next(), b.next()]).toEqual([500, 500]);
});

test('retryBackoffMs 0 still grows instead of retrying in a hot loop', () => {
  const b = createBackoff(0, 1000, () => 1);
  expect(Array.from({ length: 12 }, () => b.next())).toEqual([
    1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1000, 1000,
  ]);
});

test('the connection backoff follows the retry options, capped at 1 s between attempts', () => {
  const of = (retryBackoffMs: number, retryBackoffMaxMs: number) =>
    connectionBackoff({ retryBackoffMs, retryBackoffMaxMs });
  expect(of(1000, 12_000)).toEqual({ initialMs: 1000, maxMs: 1000 }); // the defaults
  expect(of(100, 1000)).toEqual({ initialMs: 100, maxMs: 1000 }); // the testbed harness's
  expect(of(40, 150)).toEqual({ initialMs: 40, maxMs: 150 });
  expect(of(60_000, 120_000)).toEqual({ initialMs: 1000, maxMs: 1000 });
  expect(of(500, 100)).toEqual({ initialMs: 500, maxMs: 500 });
  // grpc-js reads 0 as "use my default" (1 s initial, 120 s max): never hand it a 0.
  expect(of(0, 0)).toEqual({ initialMs: 1, maxMs: 1 });
});

test('the channel options carry the connection backoff and leave per-call retries off', () => {
  const options = channelOptions(
    { address: '127.0.0.1:8015', authority: undefined },
    {
      keepAliveTime: 0,
      retryBackoffMs: 100,
      retryBackoffMaxMs: 12_000,
    },
  );
  expect(options).toMatchObject({
    'grpc.initial_reconnect_backoff_ms': 100,
    'grpc.max_reconnect_backoff_ms': 1000,
    'grpc.enable_retries': 0,
  });
});

test('the receive limit and keepalive are channel options when set', () => {
  const options = channelOptions(
    { address: 'root:8015', authority: 'flagd.sync' },
    { keepAliveTime: 60_000, retryBackoffMs: 1000, retryBackoffMaxMs: 5000, maxMsgSize: 1234 },
  );
  expect(options).toMatchObject({
    'grpc.default_authority': 'flagd.sync',
    'grpc.keepalive_time_ms': 60_000,
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.max_receive_message_length': 1234,
  });
});

test.each([
  ['grpc://root:8015', { address: 'root:8015', authority: undefined }],
  ['grpcs://root.example:443', { address: 'root.example:443', authority: undefined }],
  ['root:8015', { address: 'root:8015', authority: undefined }],
  [
    'envoy://localhost:9211/flagd-sync.service',
    { address: 'localhost:9211', authority: 'flagd-sync.service' },
  ],
  ['envoy://[::1]:9211/a', { address: '[::1]:9211', authority: 'a' }],
  ['dns:///root:8015', { address: 'dns:///root:8015', authority: undefined }],
])("flagd's gRPC URI %s → %j", (uri, target) => {
  expect(grpcTarget(uri)).toEqual(target);
});

test.each(['envoy://nohost/a', 'envoy://host:1', 'grpc://'])(
  '%s is refused with a reason',
  (uri) => {
    expect(typeof grpcTarget(uri)).toBe('string');
  },
);
