// A client process of the fan-out bench: holds SyncFlags streams to one server and, for each
// round, reports when each stream received the message of that round. It does what the
// cheapest real client would do and nothing more: the response is never decoded, a stream only
// looks for the round's marker (`"rev":"<round>"`) in the raw message bytes. The daemon's and the
// floor's streams are held by processes running this same file, so both sides pay the same client
// cost, and it is not the bench's own process that pays it.
//
// Protocol (IPC with the bench): `{ port, streams, perConnection }` first; the client answers
// `{ type: 'ready' }` once every stream got its first message. Then for each round: `{ round }`
// → `{ type: 'armed' }` (sent before the bench triggers), and `{ type: 'done', times }` with each
// stream's receive time (process.hrtime, ms; one clock for every process on the machine).
import { Client, credentials } from '@grpc/grpc-js';
import type { ClientReadableStream } from '@grpc/grpc-js';

interface Setup {
  readonly port: number;
  readonly streams: number;
  /** Streams per HTTP/2 connection (1: every stream is a client of its own, like providers). */
  readonly perConnection: number;
}

const SYNC_FLAGS = '/flagd.sync.v1.FlagSyncService/SyncFlags';
const EMPTY_REQUEST = Buffer.alloc(0); // SyncFlagsRequest with every field at its default
const nowMs = () => Number(process.hrtime.bigint()) / 1e6;
const send = (message: object) => process.send!(message);

let marker: Buffer | undefined;
let times: number[] = [];
let got: boolean[] = [];
let received = 0;

function onMessage(index: number, bytes: Buffer): void {
  if (marker === undefined || got[index] || bytes.indexOf(marker) < 0) return;
  got[index] = true;
  times[index] = nowMs();
  received++;
  if (received === got.length) {
    marker = undefined;
    send({ type: 'done', times });
  }
}

function open(setup: Setup): Promise<void> {
  const clients: Client[] = [];
  for (let i = 0; i < Math.ceil(setup.streams / setup.perConnection); i++) {
    clients.push(
      new Client(`127.0.0.1:${setup.port}`, credentials.createInsecure(), {
        'bench.connection': i, // distinct options: a channel (and connection) of its own
        'grpc.max_receive_message_length': -1,
      }),
    );
  }
  got = new Array(setup.streams).fill(false);
  times = new Array(setup.streams).fill(0);
  const first: Promise<void>[] = [];
  for (let i = 0; i < setup.streams; i++) {
    const call: ClientReadableStream<Buffer> = clients[
      Math.floor(i / setup.perConnection)
    ]!.makeServerStreamRequest(
      SYNC_FLAGS,
      () => EMPTY_REQUEST,
      (bytes: Buffer) => bytes,
      {},
    );
    call.on('error', () => {});
    first.push(
      new Promise((resolve) => {
        call.once('data', () => {
          resolve();
          call.on('data', (bytes: Buffer) => onMessage(i, bytes));
        });
      }),
    );
  }
  return Promise.all(first).then(() => {});
}

process.on('message', (message: Setup | { round: number }) => {
  if ('port' in message) {
    open(message).then(() => send({ type: 'ready' }));
    return;
  }
  got.fill(false);
  received = 0;
  marker = Buffer.from(`"rev":"${message.round}"`);
  send({ type: 'armed' });
});
process.on('disconnect', () => process.exit(0));
