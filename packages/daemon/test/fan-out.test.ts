// docs/adr/0003 §6 and the daemon bench's memory target: a payload goes to many streams through a
// bounded fan-out (at most one unflushed message per stream, a byte budget across streams), a
// stream that falls behind only ever gets the newest payload, an unchanged payload is not re-sent,
// and a stalled client neither holds up the others nor makes memory grow.
import { connect } from 'node:http2';
import { Metadata, credentials } from '@grpc/grpc-js';
import type { Server } from '@grpc/grpc-js';
import { FlagSyncServiceClient, FlagSyncServiceDefinition, preEncoded } from '@switchyard/protocol';
import type { SyncFlagsResponse } from '@switchyard/protocol';
import { parseFlags } from '../src/engine.js';
import { createLogger } from '../src/logger.js';
import { createMetrics } from '../src/metrics.js';
import { GenerationStore } from '../src/store/generation-store.js';
import { ALL_FLAGS } from '../src/store/selector.js';
import { flagConfigurationJson } from '../src/sync/flag-configuration.js';
import type { SyncPayload } from '../src/sync/sync-payload.js';
import { FanOut } from '../src/sync/fan-out.js';
import type { Lane } from '../src/sync/fan-out.js';
import { stopGrpcServer } from '../src/grpc-listen.js';
import { startSyncServer } from '../src/sync/sync-server.js';
import { SyncService } from '../src/sync/sync-service.js';

/** A payload whose frame (bytes + 5-byte header) is `frame` bytes. */
const payload = (name: string, frame = 1000): SyncPayload => ({
  json: name,
  syncMessage: preEncoded(Buffer.alloc(frame - 5)),
});

/** A FanOut whose writes are recorded and flushed by hand. */
function harness(budgetBytes: number, stallMs = 60_000) {
  const fanOut = new FanOut({ budgetBytes, stallMs });
  const writes: { lane: number; payload: string; flush: () => void }[] = [];
  const lanes: Lane[] = [];
  const open = () => {
    const id = lanes.length;
    lanes.push(
      fanOut.open((p, flushed) => writes.push({ lane: id, payload: p.json, flush: flushed })),
    );
    return lanes[id]!;
  };
  return { fanOut, writes, open };
}

describe('FanOut', () => {
  afterEach(() => jest.useRealTimers());

  test('at most the byte budget is unflushed; the rest wait and go in arrival order', () => {
    const { fanOut, writes, open } = harness(3000);
    const lanes = Array.from({ length: 6 }, open);
    const p = payload('g1');
    for (const lane of lanes) fanOut.send(lane, p);
    expect(writes.map((w) => w.lane)).toEqual([0, 1, 2]);
    expect(fanOut.inFlightBytes).toBe(3000);
    expect(fanOut.waitingCount).toBe(3);
    writes[1]!.flush();
    expect(writes.map((w) => w.lane)).toEqual([0, 1, 2, 3]);
    writes[0]!.flush();
    writes[2]!.flush();
    expect(writes.map((w) => w.lane)).toEqual([0, 1, 2, 3, 4, 5]);
    for (const w of writes.slice(3)) w.flush();
    expect(fanOut.inFlightBytes).toBe(0);
    expect(fanOut.waitingCount).toBe(0);
  });

  test('one payload larger than the budget still goes out, one stream at a time', () => {
    const { fanOut, writes, open } = harness(100);
    const [a, b] = [open(), open()];
    const big = payload('big', 5000);
    fanOut.send(a, big);
    fanOut.send(b, big);
    expect(writes.map((w) => w.lane)).toEqual([0]);
    writes[0]!.flush();
    expect(writes.map((w) => w.lane)).toEqual([0, 1]);
  });

  test('a stream behind gets only the newest payload, and an unchanged one is never re-sent', () => {
    const { fanOut, writes, open } = harness(10_000);
    const lane = open();
    const [g1, g2, g3, g4] = ['g1', 'g2', 'g3', 'g4'].map((n) => payload(n));
    fanOut.send(lane, g1!);
    fanOut.send(lane, g2!); // g1 not flushed yet: queued
    fanOut.send(lane, g3!); // replaces g2
    expect(writes.map((w) => w.payload)).toEqual(['g1']);
    writes[0]!.flush();
    expect(writes.map((w) => w.payload)).toEqual(['g1', 'g3']);
    writes[1]!.flush();
    fanOut.send(lane, g3!); // what it already has
    expect(writes).toHaveLength(2);
    fanOut.send(lane, g4!);
    fanOut.send(lane, g3!); // back to g3 while g4 is in flight: queued again
    writes[2]!.flush();
    expect(writes.map((w) => w.payload)).toEqual(['g1', 'g3', 'g4', 'g3']);
  });

  test('a queued payload equal to the one already sent is dropped', () => {
    const { fanOut, writes, open } = harness(1000);
    const [a, b] = [open(), open()];
    const [g1, g2] = [payload('g1'), payload('g2')];
    fanOut.send(a, g1);
    fanOut.send(b, g1); // waits for budget
    writes[0]!.flush(); // b gets g1
    fanOut.send(a, g2); // waits for budget
    fanOut.send(a, g1); // a flip-flop back before g2 left: a already has g1, nothing to send
    writes[1]!.flush();
    expect(writes.map((w) => `${w.lane}:${w.payload}`)).toEqual(['0:g1', '1:g1']);
    expect(fanOut.waitingCount).toBe(0);
  });

  test('a write not flushed within stallMs gives its budget back; that stream gets nothing more until it flushes', () => {
    jest.useFakeTimers();
    const { fanOut, writes, open } = harness(1000, 500);
    const [stalled, other] = [open(), open()];
    const [g1, g2, g3] = [payload('g1'), payload('g2'), payload('g3')];
    fanOut.send(stalled, g1);
    fanOut.send(other, g1);
    expect(writes.map((w) => w.lane)).toEqual([0]);
    jest.advanceTimersByTime(500);
    expect(fanOut.stalledWrites).toBe(1);
    expect(writes.map((w) => w.lane)).toEqual([0, 1]); // the other stream is not held up
    writes[1]!.flush();
    fanOut.send(stalled, g2);
    fanOut.send(stalled, g3);
    fanOut.send(other, g3);
    expect(writes.map((w) => `${w.lane}:${w.payload}`)).toEqual(['0:g1', '1:g1', '1:g3']);
    writes[0]!.flush(); // the stalled client caught up: it gets the newest only, in its turn
    writes[2]!.flush();
    expect(writes.map((w) => `${w.lane}:${w.payload}`)).toEqual(['0:g1', '1:g1', '1:g3', '0:g3']);
  });

  test('closing a stream gives its budget back and drops what it had queued', () => {
    const { fanOut, writes, open } = harness(1000);
    const [a, b] = [open(), open()];
    fanOut.send(a, payload('g1'));
    fanOut.send(b, payload('g1'));
    fanOut.close(a); // its write never completes (a cancelled grpc-js call never calls back)
    expect(writes.map((w) => w.lane)).toEqual([0, 1]);
    fanOut.close(b);
    expect(fanOut.inFlightBytes).toBe(0);
    fanOut.send(b, payload('g2'));
    expect(writes).toHaveLength(2);
  });
});

/**
 * A SyncFlags call over a bare HTTP/2 stream that reads nothing until `readUntil`: Node stops
 * consuming (and granting flow-control window) once 16 KB are buffered, so the server's writes
 * stop flushing, as with a client that hangs.
 */
function rawStream(port: number) {
  const session = connect(`http://127.0.0.1:${port}`);
  const stream = session.request({
    ':method': 'POST',
    ':path': '/flagd.sync.v1.FlagSyncService/SyncFlags',
    'content-type': 'application/grpc',
    te: 'trailers',
  });
  const body = FlagSyncServiceDefinition.syncFlags.requestSerialize({
    $typeName: 'flagd.sync.v1.SyncFlagsRequest',
    providerId: '',
    selector: '',
  });
  const header = Buffer.alloc(5);
  header.writeUInt32BE(body.byteLength, 1);
  stream.end(Buffer.concat([header, body]));
  stream.on('error', () => {});
  return {
    readUntil(rev: string): Promise<string[]> {
      const revs: string[] = [];
      let buffered = Buffer.alloc(0);
      return new Promise((resolve) => {
        stream.on('data', (chunk: Buffer) => {
          buffered = Buffer.concat([buffered, chunk]);
          while (buffered.byteLength >= 5 && buffered.byteLength >= 5 + buffered.readUInt32BE(1)) {
            const length = buffered.readUInt32BE(1);
            const message = FlagSyncServiceDefinition.syncFlags.responseDeserialize(
              buffered.subarray(5, 5 + length),
            ) as SyncFlagsResponse;
            buffered = buffered.subarray(5 + length);
            revs.push(JSON.parse(message.flagConfiguration).flags['flag-0'].metadata.rev);
            if (revs.includes(rev)) {
              session.destroy();
              resolve(revs);
            }
          }
        });
      });
    },
  };
}

describe('SyncService over loopback with a stalled client', () => {
  let server: Server | undefined;
  const clients: InstanceType<typeof FlagSyncServiceClient>[] = [];
  afterEach(async () => {
    for (const c of clients) c.close();
    if (server) await stopGrpcServer(server, 100);
  });

  /** A configuration of `count` flags whose payload is larger than a stream's 64 KB window. */
  function configuration(count: number, generation: number) {
    const flags: Record<string, unknown> = {};
    for (let i = 0; i < count; i++) {
      flags[`flag-${i}`] = {
        state: 'ENABLED',
        variants: { on: true, off: false },
        defaultVariant: 'off',
        metadata: { rev: String(generation), padding: 'x'.repeat(100) },
      };
    }
    const parsed = parseFlags(JSON.stringify({ flags }), { mode: 'strict' });
    return parsed.configuration!;
  }

  test('others receive every generation; the stalled stream later gets only the newest, never a backlog', async () => {
    const store = new GenerationStore({ sources: ['s'] });
    const apply = (generation: number) =>
      store.apply({
        sourceId: 's',
        configuration: configuration(1000, generation),
        problems: [],
        warnings: [],
        eventAt: undefined,
      });
    apply(1);
    store.start();
    // A budget of one message: the stalled stream, first in line, would block everyone without
    // the stall timeout.
    const service = new SyncService({
      store,
      syncContext: {},
      disableSyncMetadata: false,
      streamDeadlineMs: 0,
      gate: Promise.resolve(),
      logger: createLogger({ level: 'silent' }),
      metrics: createMetrics(),
      fanOut: { budgetBytes: 1, stallMs: 100 },
    });
    const started = await startSyncServer(service, { host: '127.0.0.1', port: 0 });
    server = started.server;
    const open = () => {
      const client = new FlagSyncServiceClient(
        `127.0.0.1:${started.port}`,
        credentials.createInsecure(),
        { 'grpc.max_receive_message_length': -1 },
      );
      clients.push(client);
      const call = client.syncFlags(
        { $typeName: 'flagd.sync.v1.SyncFlagsRequest', providerId: '', selector: '' },
        new Metadata(),
      );
      const revs: string[] = [];
      const waiters: (() => void)[] = [];
      call.on('data', (m: SyncFlagsResponse) => {
        revs.push(JSON.parse(m.flagConfiguration).flags['flag-0'].metadata.rev);
        for (const w of waiters.splice(0)) w();
      });
      call.on('error', () => {});
      const until = (rev: string) =>
        new Promise<void>((resolve) => {
          const check = () => (revs.includes(rev) ? resolve() : waiters.push(check));
          check();
        });
      return { call, revs, until };
    };
    // The stalled client does not read: its flow-control window fills and the write never flushes.
    const stalled = rawStream(started.port!);
    const healthy = open();
    await healthy.until('1');
    for (const generation of [2, 3, 4, 5]) {
      apply(generation);
      await healthy.until(String(generation));
    }
    expect(healthy.revs).toEqual(['1', '2', '3', '4', '5']);
    const revs = await stalled.readUntil('5');
    // Its first message (in flight when it stalled), then straight to the newest.
    expect(revs).toEqual(['1', '5']);
    // The premise: one message is far larger than what the stalled client's windows let through.
    expect(Buffer.byteLength(flagConfigurationJson(store.view(ALL_FLAGS)))).toBeGreaterThan(
      200_000,
    );
  });
});
