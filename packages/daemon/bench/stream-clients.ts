// A bench client process: `count` SyncFlags streams to one daemon, over ceil(count/100)
// connections, that never decode a message: each only looks for the round's marker in the raw
// bytes. The parent (chain.ts) sends `{ marker }` and waits for `armed` before it edits the
// flags; once every stream has seen the marker this process sends the arrival times
// (process.hrtime, which is one clock for every process on the machine), in ms.
// Usage (through entry.cjs, with an IPC channel): stream-clients.ts <port> <count>
import { Client, Metadata, credentials } from '@grpc/grpc-js';

const [port, count] = process.argv.slice(2).map(Number) as [number, number];
const SYNC_FLAGS = '/flagd.sync.v1.FlagSyncService/SyncFlags';
/** An empty SyncFlagsRequest (no provider id, no selector) is zero bytes of protobuf. */
const EMPTY_REQUEST = Buffer.alloc(0);
const now = () => Number(process.hrtime.bigint() / 1000n) / 1000;

let marker: Buffer | undefined;
let arrivals: number[] = [];
const seenThisRound = new Set<number>();
let ready = 0;

function onMessage(stream: number, bytes: Buffer, first: { value: boolean }): void {
  if (first.value) {
    first.value = false;
    if (++ready === count) process.send!({ type: 'ready' });
    return;
  }
  if (marker === undefined || seenThisRound.has(stream) || bytes.indexOf(marker) < 0) return;
  seenThisRound.add(stream);
  arrivals.push(now());
  if (arrivals.length === count) {
    process.send!({ type: 'round', arrivals });
    marker = undefined;
  }
}

const clients = Array.from(
  { length: Math.ceil(count / 100) },
  (_, i) =>
    // A distinct option per client: grpc-js would otherwise share one connection among them.
    new Client(`127.0.0.1:${port}`, credentials.createInsecure(), {
      'bench.connection': i,
      'grpc.max_receive_message_length': -1,
    }),
);
for (let i = 0; i < count; i++) {
  const first = { value: true };
  const call = clients[i % clients.length]!.makeServerStreamRequest<Buffer, Buffer>(
    SYNC_FLAGS,
    (request) => request,
    (bytes) => bytes,
    EMPTY_REQUEST,
    new Metadata(),
  );
  call.on('data', (bytes: Buffer) => onMessage(i, bytes, first));
  call.on('error', (error) => {
    process.send!({ type: 'error', message: error.message });
  });
}

process.on('message', (message: { marker: string }) => {
  marker = Buffer.from(message.marker);
  arrivals = [];
  seenThisRound.clear();
  process.send!({ type: 'armed' });
});
process.on('disconnect', () => process.exit(0));
