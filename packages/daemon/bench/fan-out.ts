// Edit → SyncFlags fan-out beside the transport floor, measured the same way on both sides.
// The streams live in client processes of their own (bench/fan-out-client.ts, several per stream
// count), which only look for the round's marker in the raw message bytes: neither side's time
// includes decoding, and the bench process that triggers the rounds receives nothing. Daemon and
// floor rounds alternate (which goes first alternates too), so load from other processes hits both
// alike. Times run from the trigger (daemon: the write of a temp file, then rename() over the flag
// file; floor: the FetchAllFlags call that makes it write) until half / all streams got the message.
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { credentials, Metadata } from '@grpc/grpc-js';
import { FlagSyncServiceClient } from '@switchyard/protocol';

const ENTRY = join(__dirname, 'entry.cjs');
const CLIENT = join(__dirname, 'fan-out-client.ts');

export const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

/** Client processes for `streams` streams: several once there are hundreds (BENCH_CLIENTS fixes it). */
export function clientProcessesFor(streams: number): number {
  if (process.env.BENCH_CLIENTS) return Math.min(streams, Number(process.env.BENCH_CLIENTS));
  return Math.min(8, Math.max(1, Math.ceil(streams / 500)));
}

/** Streams per HTTP/2 connection (BENCH_PER_CONNECTION; default 1, one provider per connection). */
export const PER_CONNECTION = Number(process.env.BENCH_PER_CONNECTION ?? 1);

type ClientMessage = { type: 'ready' } | { type: 'armed' } | { type: 'done'; times: number[] };

class ClientProcess {
  private readonly child: ChildProcess;
  private waiting: { type: string; resolve: (m: ClientMessage) => void } | undefined;

  constructor() {
    this.child = fork(ENTRY, [CLIENT], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (message: ClientMessage) => {
      const waiting = this.waiting;
      if (waiting?.type !== message.type) return;
      this.waiting = undefined;
      waiting.resolve(message);
    });
  }

  private next<T extends ClientMessage['type']>(
    type: T,
  ): Promise<Extract<ClientMessage, { type: T }>> {
    return new Promise((resolve) => {
      this.waiting = { type, resolve: resolve as (m: ClientMessage) => void };
    });
  }

  async open(port: number, streams: number): Promise<void> {
    const ready = this.next('ready');
    this.child.send({ port, streams, perConnection: PER_CONNECTION });
    await ready;
  }

  /** Arms the round; `done` resolves with the receive times once every stream got it. */
  async arm(round: number): Promise<{ done: Promise<number[]> }> {
    const armed = this.next('armed');
    this.child.send({ round });
    await armed;
    // Wrapped: an async function returning a bare promise would wait for it.
    return { done: this.next('done').then((m) => m.times) };
  }

  close(): void {
    this.child.disconnect();
  }
}

/** The streams of one server, spread over client processes. */
export class StreamSet {
  private constructor(private readonly clients: readonly ClientProcess[]) {}

  static async open(port: number, streams: number): Promise<StreamSet> {
    const processes = clientProcessesFor(streams);
    const clients = Array.from({ length: processes }, () => new ClientProcess());
    const share = (i: number) =>
      Math.floor(streams / processes) + (i < streams % processes ? 1 : 0);
    // One process at a time: thousands of connections at once would measure connection storms.
    for (const [i, client] of clients.entries()) await client.open(port, share(i));
    return new StreamSet(clients);
  }

  /** Runs one round: arms every client, triggers, and returns each stream's delay (ms). */
  async round(round: number, trigger: () => void): Promise<number[]> {
    const pending = await Promise.all(this.clients.map((c) => c.arm(round)));
    const start = nowMs();
    trigger();
    const times = (await Promise.all(pending.map((p) => p.done))).flat();
    return times.map((t) => t - start);
  }

  close(): void {
    for (const client of this.clients) client.close();
  }
}

/** The floor's trigger: FetchAllFlags with the round in `selector` makes it write that round. */
export function floorTrigger(port: number): { trigger: (round: number) => void; close(): void } {
  const client = new FlagSyncServiceClient(`127.0.0.1:${port}`, credentials.createInsecure());
  return {
    trigger: (round) =>
      client.fetchAllFlags(
        {
          $typeName: 'flagd.sync.v1.FetchAllFlagsRequest',
          providerId: '',
          selector: String(round),
        },
        new Metadata(),
        {},
        (error) => {
          if (error) console.error(`floor trigger: ${error.message}`);
        },
      ),
    close: () => client.close(),
  };
}

export const pct = (xs: readonly number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

/** The delay until half and until all streams had the message, per round. */
export function halfAndAll(delays: number[]): { half: number; all: number } {
  const sorted = [...delays].sort((a, b) => a - b);
  return { half: sorted[Math.ceil(sorted.length / 2) - 1]!, all: sorted[sorted.length - 1]! };
}
