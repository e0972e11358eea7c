// A bench load generator for unary flagd.evaluation.v2 ResolveBoolean that does the least work a
// gRPC client can, so that the daemon, not the client, sets the pace when both have one CPU
// (bench:auth loads three daemons on one CPU from clients on the other; grpc-js's client, or even
// node:http2's, costs about as much per call as the daemon does to answer it). It speaks HTTP/2
// on a plain socket: every call is the same pre-built HEADERS block (HPACK literals, no dynamic
// table) and the same pre-framed DATA frame; of the answers it reads only frame headers: a call
// succeeded when its stream carried a DATA frame (gRPC's error answers are trailers only) and
// ended. Flow control is kept both ways (the daemon's window for what is sent; a window granted
// up front, topped up, for what is received); SETTINGS and PING are acknowledged.
// Keeps `inFlight` calls going over `connections` connections: a warm-up, then `seconds`
// measured. Prints {requests, total, rps, errors} as JSON (`total` counts the warm-up too).
// Usage: grpc-unary-raw-load.ts <port> <seconds> <connections> <inFlight> <token|->
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { encode, evaluationV2 } from '@switchyard/protocol';
import { WARMUP_S } from './load.js';

const [port, seconds, connections, inFlight] = process.argv.slice(2, 6).map(Number) as [
  number,
  number,
  number,
  number,
];
const token = process.argv[6] === '-' ? undefined : process.argv[6];

const DATA = 0x0;
const HEADERS = 0x1;
const RST_STREAM = 0x3;
const SETTINGS = 0x4;
const PING = 0x6;
const GOAWAY = 0x7;
const WINDOW_UPDATE = 0x8;
const END_STREAM = 0x1;
const ACK = 0x1;
const END_HEADERS = 0x4;
/** The receive window granted (and topped up) on each connection and stream. */
const WINDOW = 0x7fffffff;

function frame(type: number, flags: number, stream: number, payload: Buffer): Buffer {
  const out = Buffer.alloc(9 + payload.length);
  out.writeUIntBE(payload.length, 0, 3);
  out[3] = type;
  out[4] = flags;
  out.writeUInt32BE(stream, 5);
  payload.copy(out, 9);
  return out;
}

/** An HPACK string literal (no Huffman coding); every value here is shorter than 127 bytes. */
const literal = (text: string) => Buffer.concat([Buffer.from([text.length]), Buffer.from(text)]);

/** The request's header block: static-table :method POST and :scheme http, literals for the rest. */
function headerBlock(): Buffer {
  const parts = [Buffer.from([0x83, 0x86])];
  // "Literal without indexing, indexed name" (4-bit prefix): :authority (1), :path (4).
  parts.push(Buffer.from([0x01]), literal(`127.0.0.1:${port}`));
  parts.push(Buffer.from([0x04]), literal('/flagd.evaluation.v2.Service/ResolveBoolean'));
  const named = (name: string, value: string) =>
    parts.push(Buffer.from([0x00]), literal(name), literal(value));
  named('content-type', 'application/grpc');
  named('te', 'trailers');
  if (token !== undefined) named('authorization', `Bearer ${token}`);
  return Buffer.concat(parts);
}

const block = headerBlock();
const message = encode(evaluationV2.ResolveBooleanRequestSchema, {
  $typeName: 'flagd.evaluation.v2.ResolveBooleanRequest',
  flagKey: 'bool-flag',
  context: { targetingKey: 'user-1' },
} as never);
/** gRPC's length-prefixed message: not compressed, its length, its bytes. */
const body = Buffer.concat([Buffer.from([0, 0, 0, 0, message.length]), message]);
/** The same two frames for every call; only the stream id (bytes 5–8 of each) changes. */
const call = Buffer.concat([
  frame(HEADERS, END_HEADERS, 0, block),
  frame(DATA, END_STREAM, 0, body),
]);
const dataAt = 9 + block.length;

let total = 0;
let counted = 0;
let errors = 0;
let recording = false;
let stopped = false;

/** One connection: its next stream id, the calls it has in flight, what it may still send. */
class Connection {
  private nextStream = 1;
  /** Open streams: whether each has carried a DATA frame. */
  private readonly open = new Map<number, boolean>();
  private sendWindow = 65_535;
  private received = 0;
  private pending: Buffer = Buffer.alloc(0);
  private readonly out: Buffer[] = [];
  private readonly socket: Socket;

  constructor(private readonly calls: number) {
    this.socket = connect(port, '127.0.0.1');
    this.socket.setNoDelay(true);
    const preface = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
    const settings = Buffer.alloc(6);
    settings.writeUInt16BE(0x4, 0); // SETTINGS_INITIAL_WINDOW_SIZE
    settings.writeUInt32BE(WINDOW, 2);
    const grant = Buffer.alloc(4);
    grant.writeUInt32BE(WINDOW - 65_535);
    this.out.push(preface, frame(SETTINGS, 0, 0, settings), frame(WINDOW_UPDATE, 0, 0, grant));
    for (let i = 0; i < calls; i++) this.start();
    this.flush();
    this.socket.on('data', (chunk: Buffer) => this.read(chunk));
    this.socket.on('error', (error) => fail(error.message));
  }

  private start(): void {
    if (stopped || this.sendWindow < body.length) return;
    const id = this.nextStream;
    this.nextStream += 2;
    const bytes = Buffer.from(call);
    bytes.writeUInt32BE(id, 5);
    bytes.writeUInt32BE(id, dataAt + 5);
    this.sendWindow -= body.length;
    this.open.set(id, false);
    this.out.push(bytes);
  }

  private flush(): void {
    if (this.out.length === 0) return;
    this.socket.write(this.out.length === 1 ? this.out[0]! : Buffer.concat(this.out));
    this.out.length = 0;
  }

  private read(chunk: Buffer): void {
    let bytes = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    while (bytes.length >= 9) {
      const length = bytes.readUIntBE(0, 3);
      if (bytes.length < 9 + length) break;
      this.onFrame(
        bytes[3]!,
        bytes[4]!,
        bytes.readUInt32BE(5) & 0x7fffffff,
        bytes.subarray(9, 9 + length),
      );
      bytes = bytes.subarray(9 + length);
    }
    this.pending = bytes;
    while (this.open.size < this.calls && !stopped && this.sendWindow >= body.length) this.start();
    this.flush();
  }

  private onFrame(type: number, flags: number, stream: number, payload: Buffer): void {
    if (type === DATA) {
      if (this.open.has(stream)) this.open.set(stream, true);
      this.received += payload.length;
      if (this.received > WINDOW / 2) this.topUp();
    } else if (type === SETTINGS && (flags & ACK) === 0) {
      this.out.push(frame(SETTINGS, ACK, 0, Buffer.alloc(0)));
    } else if (type === PING && (flags & ACK) === 0) {
      this.out.push(frame(PING, ACK, 0, payload));
    } else if (type === WINDOW_UPDATE && stream === 0) {
      this.sendWindow += payload.readUInt32BE(0) & 0x7fffffff;
    } else if (type === GOAWAY) {
      fail(`GOAWAY ${payload.readUInt32BE(4)}`);
    } else if (type === RST_STREAM) {
      this.end(stream, false);
      return;
    }
    if ((type === HEADERS || type === DATA) && (flags & END_STREAM) !== 0) {
      this.end(stream, this.open.get(stream) === true);
    }
  }

  /** Grants the daemon again what it sent since the last grant, on the connection. */
  private topUp(): void {
    const grant = Buffer.alloc(4);
    grant.writeUInt32BE(this.received);
    this.out.push(frame(WINDOW_UPDATE, 0, 0, grant));
    this.received = 0;
  }

  private end(stream: number, ok: boolean): void {
    if (!this.open.delete(stream)) return;
    total++;
    if (!ok) errors++;
    else if (recording) counted++;
  }

  close(): void {
    this.socket.destroy();
  }
}

function fail(message: string): never {
  process.stderr.write(`grpc-unary-raw-load: ${message}\n`);
  process.exit(1);
}

const perConnection = Math.ceil(inFlight / connections);
const all = Array.from({ length: connections }, () => new Connection(perConnection));
let measuredFrom = 0;
setTimeout(() => {
  recording = true;
  measuredFrom = performance.now();
}, WARMUP_S * 1000);
setTimeout(
  () => {
    stopped = true;
    const elapsed = (performance.now() - measuredFrom) / 1000;
    const result = { requests: counted, total, rps: counted / elapsed, errors };
    process.stdout.write(`${JSON.stringify(result)}\n`);
    for (const connection of all) connection.close();
    process.exit(0);
  },
  (WARMUP_S + seconds) * 1000,
);
