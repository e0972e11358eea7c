// Stalled and slow clients: each stream has one write in flight, a stream that is behind is sent
// only the newest state (never a backlog of generations), an unchanged payload is not re-sent, a
// stream whose write does not flush within the stall timeout is reset (RST_STREAM CANCEL), and
// every stream is written the one shared frame of its selector, never a copy.
import {
  Metadata,
  Server,
  ServerCredentials,
  ServerInterceptingCall,
  credentials,
} from '@grpc/grpc-js';
import type { ServerInterceptor, ServerWritableStream, ServiceDefinition } from '@grpc/grpc-js';
import { constants } from 'node:http2';
import {
  EvaluationV2ServiceDefinition,
  FlagSyncServiceClient,
  FlagSyncServiceDefinition,
} from '@switchyard/protocol';
import type { SyncFlagsResponse } from '@switchyard/protocol';
import { parseFlags } from '../src/engine.js';
import { frameWriter, grpcFrame } from '../src/grpc-frames.js';
import { stopGrpcServer } from '../src/grpc-listen.js';
import { createLogger } from '../src/logger.js';
import { createMetrics } from '../src/metrics.js';
import { contextMerger } from '../src/remote/context.js';
import { EvaluationService } from '../src/remote/evaluation-service.js';
import { EventStreams } from '../src/remote/event-stream.js';
import { GrpcHandlers } from '../src/remote/grpc-handlers.js';
import { GenerationStore } from '../src/store/generation-store.js';
import { rpcMetricsInterceptor } from '../src/telemetry/rpc-metrics.js';
import { ALL_FLAGS } from '../src/store/selector.js';
import { FanOut } from '../src/sync/fan-out.js';
import type { Lane } from '../src/sync/fan-out.js';
import { flagConfigurationJson } from '../src/sync/flag-configuration.js';
import { startSyncServer } from '../src/sync/sync-server.js';
import { SyncService } from '../src/sync/sync-service.js';
import { rawServerStream } from './helpers/raw-grpc.js';

/** A FanOut whose writes are recorded and flushed by hand. */
function harness(stallMs = 60_000) {
  const stalls: number[] = [];
  const fanOut = new FanOut<string>({ stallMs, onStall: (ms) => stalls.push(ms) });
  const writes: { lane: number; state: string; previous: string | undefined; flush: () => void }[] =
    [];
  const resets: number[] = [];
  const lanes: Lane<string>[] = [];
  const open = (initial?: string) => {
    const id = lanes.length;
    lanes.push(
      fanOut.open({
        write: (state, previous, flush) => writes.push({ lane: id, state, previous, flush }),
        reset: () => resets.push(id),
        ...(initial !== undefined ? { initial } : {}),
      }),
    );
    return lanes[id]!;
  };
  return { fanOut, writes, resets, stalls, open };
}

describe('FanOut', () => {
  afterEach(() => jest.useRealTimers());

  test('one write in flight per stream; a stream behind gets only the newest, never a backlog', () => {
    const { fanOut, writes, open } = harness();
    const lane = open();
    fanOut.send(lane, 'g1');
    fanOut.send(lane, 'g2'); // g1 not flushed yet: queued
    fanOut.send(lane, 'g3'); // replaces g2
    expect(writes.map((w) => w.state)).toEqual(['g1']);
    writes[0]!.flush();
    expect(writes.map((w) => `${w.previous}→${w.state}`)).toEqual(['undefined→g1', 'g1→g3']);
    writes[1]!.flush();
    fanOut.send(lane, 'g3'); // what it already has
    expect(writes).toHaveLength(2);
    fanOut.send(lane, 'g4');
    fanOut.send(lane, 'g3'); // back to g3 while g4 is in flight: queued again
    writes[2]!.flush();
    expect(writes.map((w) => w.state)).toEqual(['g1', 'g3', 'g4', 'g3']);
  });

  test('a state equal to the one in flight drops what was queued; `initial` is never written', () => {
    const { fanOut, writes, open } = harness();
    const lane = open('g0');
    fanOut.send(lane, 'g0');
    expect(writes).toHaveLength(0);
    fanOut.send(lane, 'g1');
    fanOut.send(lane, 'g2');
    fanOut.send(lane, 'g1'); // a flip-flop back before g2 left: g1 is already on its way
    writes[0]!.flush();
    expect(writes.map((w) => `${w.previous}→${w.state}`)).toEqual(['g0→g1']);
    expect(lane.idle).toBe(true);
  });

  test('streams never wait for each other: a stalled one holds up no one', () => {
    const { fanOut, writes, open } = harness();
    const [stalled, ...others] = [open(), open(), open()];
    for (const lane of [stalled!, ...others]) fanOut.send(lane, 'g1');
    for (const w of writes.slice(1)) w.flush();
    for (const lane of [stalled!, ...others]) fanOut.send(lane, 'g2');
    expect(writes.map((w) => `${w.lane}:${w.state}`)).toEqual([
      '0:g1',
      '1:g1',
      '2:g1',
      '1:g2',
      '2:g2',
    ]);
    expect(fanOut.inFlightCount).toBe(3);
  });

  test('a write not flushed within stallMs resets its stream, once; the others go on', () => {
    jest.useFakeTimers();
    const { fanOut, writes, resets, stalls, open } = harness(400);
    const [stalled, healthy] = [open(), open()];
    fanOut.send(stalled, 'g1');
    fanOut.send(healthy, 'g1');
    writes[1]!.flush();
    jest.advanceTimersByTime(300);
    fanOut.send(healthy, 'g2');
    expect(resets).toEqual([]);
    jest.advanceTimersByTime(200); // g1 on the stalled stream is 500 ms old; g2 on the other 200
    expect(resets).toEqual([0]);
    expect(stalls).toHaveLength(1);
    expect(fanOut.stalledResets).toBe(1);
    fanOut.send(stalled, 'g3'); // a reset lane is closed: nothing more is written to it
    writes[2]!.flush();
    jest.advanceTimersByTime(10_000);
    expect(resets).toEqual([0]);
    expect(writes.map((w) => `${w.lane}:${w.state}`)).toEqual(['0:g1', '1:g1', '1:g2']);
  });

  test('every write of a lane gets the same flush callback; a flush after close changes nothing', () => {
    const { fanOut, writes, open } = harness();
    const [lane, other] = [open(), open()];
    fanOut.send(lane, 'g1');
    fanOut.send(other, 'g1');
    writes[0]!.flush();
    fanOut.send(lane, 'g2');
    // One function per lane, handed to the transport as it is: no closure per write.
    expect(writes[2]!.flush).toBe(writes[0]!.flush);
    expect(writes[1]!.flush).not.toBe(writes[0]!.flush);
    expect(fanOut.inFlightCount).toBe(2);
    fanOut.close(other);
    expect(fanOut.inFlightCount).toBe(1);
    writes[1]!.flush(); // late, after close
    expect(fanOut.inFlightCount).toBe(1);
    fanOut.send(lane, 'g3');
    writes[2]!.flush();
    expect(writes.map((w) => `${w.lane}:${w.state}`)).toEqual(['0:g1', '1:g1', '0:g2', '0:g3']);
  });

  test('closing a stream forgets its queued state and its write in flight', () => {
    jest.useFakeTimers();
    const { fanOut, writes, resets, open } = harness(100);
    const lane = open();
    fanOut.send(lane, 'g1');
    fanOut.send(lane, 'g2');
    fanOut.close(lane); // its write may never complete (a cancelled grpc-js call never calls back)
    writes[0]!.flush();
    jest.advanceTimersByTime(1000);
    expect(writes).toHaveLength(1);
    expect(resets).toEqual([]);
    expect(fanOut.inFlightCount).toBe(0);
  });
});

describe('shared frames', () => {
  let server: Server | undefined;
  afterEach(async () => {
    if (server) await stopGrpcServer(server, 100);
  });

  const frame = grpcFrame(
    FlagSyncServiceDefinition.syncFlags.responseSerialize({
      $typeName: 'flagd.sync.v1.SyncFlagsResponse',
      flagConfiguration: '{"flags":{}}',
    } as SyncFlagsResponse),
  );

  /** A SyncFlags server (with `interceptors`) that writes `frame` twice and ends the call. */
  async function twoFrames(interceptors: ServerInterceptor[] = []) {
    let shared: boolean | undefined;
    server = new Server({ interceptors });
    server.addService(FlagSyncServiceDefinition as unknown as ServiceDefinition, {
      syncFlags: (call: ServerWritableStream<unknown, unknown>) => {
        const writer = frameWriter(call);
        shared = writer.shared;
        writer.write(frame, () => writer.write(frame, () => call.end()));
      },
    });
    const port = await new Promise<number>((resolve, reject) =>
      server!.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) =>
        e ? reject(e) : resolve(p),
      ),
    );
    const client = new FlagSyncServiceClient(`127.0.0.1:${port}`, credentials.createInsecure());
    const call = client.syncFlags(
      { $typeName: 'flagd.sync.v1.SyncFlagsRequest', providerId: '', selector: '' },
      new Metadata(),
    );
    const messages: string[] = [];
    call.on('data', (m: SyncFlagsResponse) => messages.push(m.flagConfiguration));
    const code = await new Promise<number>((resolve) => call.on('status', (s) => resolve(s.code)));
    client.close();
    return { shared, messages, code };
  }

  test('the one framed buffer goes to the HTTP/2 stream under grpc-js, and arrives as messages', async () => {
    const { shared, messages, code } = await twoFrames();
    // The pinned grpc-js exposes its HTTP/2 stream: no per-stream copy of any payload.
    expect(shared).toBe(true);
    expect(messages).toEqual(['{"flags":{}}', '{"flags":{}}']);
    expect(code).toBe(0);
  });

  test('under the daemon rpc.server.* interceptor too, which counts the frames it does not see', async () => {
    const metrics = createMetrics();
    const { shared, messages, code } = await twoFrames([rpcMetricsInterceptor(metrics.rpc)]);
    expect(shared).toBe(true);
    expect(messages).toEqual(['{"flags":{}}', '{"flags":{}}']);
    expect(code).toBe(0);
    const { text } = await metrics.prometheus();
    const labels = '\\{[^}]*rpc_method="SyncFlags"[^}]*\\}';
    expect(text).toMatch(new RegExp(`^rpc_server_responses_per_rpc_sum${labels} 2$`, 'm'));
    expect(text).toMatch(
      new RegExp(`^rpc_server_response_size\\w*_sum${labels} ${2 * (frame.byteLength - 5)}$`, 'm'),
    );
  });

  test('under an interceptor that would not see the frames, they go through grpc-js', async () => {
    let seen = 0;
    const counting: ServerInterceptor = (_method, call) =>
      new ServerInterceptingCall(call, {
        sendMessage: (message, next) => {
          seen++;
          next(message);
        },
      });
    const { shared, messages, code } = await twoFrames([counting]);
    expect(shared).toBe(false);
    expect(seen).toBe(2);
    expect(messages).toEqual(['{"flags":{}}', '{"flags":{}}']);
    expect(code).toBe(0);
  });
});

/** A configuration of `count` flags; every flag's metadata.rev is `generation`. */
function configuration(count: number, generation: number, extra: Record<string, unknown> = {}) {
  const flags: Record<string, unknown> = { ...extra };
  for (let i = 0; i < count; i++) {
    flags[`flag-${i}-${'k'.repeat(40)}`] = {
      state: 'ENABLED',
      variants: { on: true, off: false },
      defaultVariant: 'off',
      metadata: { rev: String(generation), padding: 'x'.repeat(100) },
    };
  }
  return parseFlags(JSON.stringify({ flags }), { mode: 'strict' }).configuration!;
}

type Configuration = ReturnType<typeof configuration>;

function storeWith(first: Configuration) {
  const store = new GenerationStore({ sources: ['s'] });
  const apply = (next: Configuration) =>
    store.apply({
      sourceId: 's',
      configuration: next,
      problems: [],
      warnings: [],
      eventAt: undefined,
    });
  apply(first);
  store.start();
  return { store, apply };
}

const revOf = (message: Buffer) => {
  const decoded = FlagSyncServiceDefinition.syncFlags.responseDeserialize(
    message,
  ) as SyncFlagsResponse;
  const flags = JSON.parse(decoded.flagConfiguration).flags as Record<
    string,
    { metadata: { rev: string } }
  >;
  return Object.values(flags)[0]!.metadata.rev;
};

describe('SyncService over loopback with a stalled client', () => {
  let server: Server | undefined;
  const clients: InstanceType<typeof FlagSyncServiceClient>[] = [];
  afterEach(async () => {
    for (const c of clients) c.close();
    if (server) await stopGrpcServer(server, 100);
  });

  async function serve(store: GenerationStore, stallMs: number) {
    const metrics = createMetrics();
    const service = new SyncService({
      store,
      syncContext: {},
      disableSyncMetadata: false,
      streamDeadlineMs: 0,
      gate: Promise.resolve(),
      logger: createLogger({ level: 'silent' }),
      metrics,
      stallMs,
    });
    // With the interceptor the daemon's sync server has (frames bypass it, it counts them).
    const started = await startSyncServer(service, {
      host: '127.0.0.1',
      port: 0,
      interceptors: [rpcMetricsInterceptor(metrics.rpc)],
    });
    server = started.server;
    return { port: started.port!, metrics };
  }

  function healthyClient(port: number) {
    const client = new FlagSyncServiceClient(`127.0.0.1:${port}`, credentials.createInsecure(), {
      'grpc.max_receive_message_length': -1,
    });
    clients.push(client);
    const call = client.syncFlags(
      { $typeName: 'flagd.sync.v1.SyncFlagsRequest', providerId: '', selector: '' },
      new Metadata(),
    );
    const revs: string[] = [];
    const waiters: (() => void)[] = [];
    call.on('data', (m: SyncFlagsResponse) => {
      revs.push(
        Object.values(
          JSON.parse(m.flagConfiguration).flags as Record<string, { metadata: { rev: string } }>,
        )[0]!.metadata.rev,
      );
      for (const w of waiters.splice(0)) w();
    });
    call.on('error', () => {});
    const until = (rev: string) =>
      new Promise<void>((resolve) => {
        const check = () => (revs.includes(rev) ? resolve() : waiters.push(check));
        check();
      });
    return { revs, until };
  }

  /** A SyncFlags stream that reads nothing until told to. */
  const stalledSyncStream = (port: number) =>
    rawServerStream(
      port,
      '/flagd.sync.v1.FlagSyncService/SyncFlags',
      FlagSyncServiceDefinition.syncFlags.requestSerialize({
        $typeName: 'flagd.sync.v1.SyncFlagsRequest',
        providerId: '',
        selector: '',
      }),
    );

  test('others receive every generation; the stalled stream later gets only the newest, never a backlog', async () => {
    const { store, apply } = storeWith(configuration(1000, 1));
    const { port } = await serve(store, 60_000);
    // The stalled client does not read: its flow-control window fills and the write never flushes.
    const stalled = stalledSyncStream(port);
    const healthy = healthyClient(port);
    await healthy.until('1');
    for (const generation of [2, 3, 4, 5]) {
      apply(configuration(1000, generation));
      await healthy.until(String(generation));
    }
    expect(healthy.revs).toEqual(['1', '2', '3', '4', '5']);
    const messages = await stalled.readUntil((m) => revOf(m) === '5');
    // Its first message (in flight when it stalled), then straight to the newest.
    expect(messages.map(revOf)).toEqual(['1', '5']);
    stalled.close();
    // The premise: one message is far larger than what the stalled client's windows let through.
    expect(Buffer.byteLength(flagConfigurationJson(store.view(ALL_FLAGS)))).toBeGreaterThan(
      200_000,
    );
  });

  test('a stream stalled past the stall timeout is reset (CANCEL) and counted; the others go on', async () => {
    const { store, apply } = storeWith(configuration(1000, 1));
    const { port, metrics } = await serve(store, 300);
    const stalled = stalledSyncStream(port);
    const healthy = healthyClient(port);
    await healthy.until('1');
    expect(await stalled.closed).toBe(constants.NGHTTP2_CANCEL);
    apply(configuration(1000, 2));
    await healthy.until('2');
    const { text } = await metrics.prometheus();
    expect(text).toMatch(/^switchyard_stalled_streams_reset_total\{service="sync"\} 1\b/m);
  });
});

describe('EventStream with a stalled client', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  async function serveEvents(stallMs: number) {
    const { store, apply } = storeWith(configuration(3000, 1));
    const stalls: number[] = [];
    const events = new EventStreams({
      view: (selector) => store.view(selector),
      keepAliveMs: 60_000,
      streamDeadlineMs: 0,
      stallMs,
      onStall: (ms) => stalls.push(ms),
      logger: createLogger({ level: 'silent' }),
    });
    store.subscribe((e) => e.type === 'generation' && events.publish(e.generation));
    const service = new EvaluationService({
      view: (selector) => store.view(selector),
      context: contextMerger({ staticValues: {}, headerMappings: {} }),
    });
    const server = new Server();
    server.addService(
      EvaluationV2ServiceDefinition as unknown as ServiceDefinition,
      new GrpcHandlers({ service, events }).v2() as never,
    );
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) =>
        e ? reject(e) : resolve(p),
      ),
    );
    close = async () => {
      events.close();
      await stopGrpcServer(server, 100);
    };
    const stalled = rawServerStream(
      port,
      '/flagd.evaluation.v2.Service/EventStream',
      new Uint8Array(),
    );
    // Subscribed once provider_ready arrives; it reads nothing more until told to.
    await stalled.readUntil((m) => eventOf(m).type === 'provider_ready');
    return { apply, stalls, stalled };
  }

  const added = (value: number) => ({
    added: { state: 'ENABLED', variants: { a: value }, defaultVariant: 'a' },
  });

  test('a stream behind gets one diff from the view it has to the newest', async () => {
    const { apply, stalls, stalled } = await serveEvents(60_000);
    // g2 changes all 3,000 flags: ~200 KB of change, more than the stalled client's window.
    apply(configuration(3000, 2));
    apply(configuration(3000, 2, added(1)));
    apply(configuration(2999, 3, added(2)));
    const decoded = (await stalled.readUntil((m) => 'added' in changedFlags(m))).map(eventOf);
    expect(decoded.map((e) => e.type)).toEqual(['configuration_change', 'configuration_change']);
    // The second is the union of what happened while it was behind: one diff, g2 → g4.
    const last = decoded[1]!.data as { flags: Record<string, { type: string }> };
    expect(last.flags.added).toEqual({ type: 'write' });
    expect(last.flags[`flag-2999-${'k'.repeat(40)}`]).toEqual({ type: 'delete' });
    expect(last.flags[`flag-0-${'k'.repeat(40)}`]).toEqual({ type: 'update' });
    stalled.close();
    expect(stalls).toEqual([]);
  });

  test('a stream stalled past the stall timeout is reset (CANCEL)', async () => {
    const { apply, stalls, stalled } = await serveEvents(300);
    apply(configuration(3000, 2));
    expect(await stalled.closed).toBe(constants.NGHTTP2_CANCEL);
    expect(stalls).toHaveLength(1);
  });
});

function eventOf(message: Buffer) {
  return EvaluationV2ServiceDefinition.eventStream.responseDeserialize(message) as {
    type: string;
    data?: unknown;
  };
}

function changedFlags(message: Buffer): Record<string, unknown> {
  return (eventOf(message).data as { flags?: Record<string, unknown> } | undefined)?.flags ?? {};
}
