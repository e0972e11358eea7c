// A bench process of stalled clients: `count` SyncFlags streams to one daemon, each on an HTTP/2
// connection of its own (as providers have), that never read a byte: the stream is paused before
// its first frame, so Node grants no flow-control window beyond the initial 64 KB and the daemon's
// writes stop flushing, as with a client that hangs. A stream the daemon resets (its stall
// deadline) is opened again at once, paused again, so `count` streams stay stalled throughout.
// Usage (through entry.cjs, with an IPC channel): stalled-clients.ts <port> <count>; sends
// `{ type: 'ready' }` once every stream is open and `{ type: 'resets', resets }` when asked.
import { connect } from 'node:http2';
import type { ClientHttp2Session } from 'node:http2';

const [port, count] = process.argv.slice(2).map(Number) as [number, number];
/** A gRPC frame holding an empty SyncFlagsRequest: flag byte 0, length 0. */
const EMPTY_REQUEST_FRAME = Buffer.alloc(5);

let resets = 0;
let closing = false;
const sessions = new Set<ClientHttp2Session>();

/** Opens one stalled stream; resolves once the daemon answered its headers. */
function stalledStream(): Promise<void> {
  const session = connect(`http://127.0.0.1:${port}`);
  sessions.add(session);
  session.on('error', () => {});
  const stream = session.request({
    ':method': 'POST',
    ':path': '/flagd.sync.v1.FlagSyncService/SyncFlags',
    'content-type': 'application/grpc',
    te: 'trailers',
  });
  stream.pause();
  stream.on('error', () => {});
  stream.end(EMPTY_REQUEST_FRAME);
  stream.on('close', () => {
    sessions.delete(session);
    session.destroy();
    if (closing) return;
    resets++;
    stalledStream().catch(() => {});
  });
  return new Promise((resolve) => {
    stream.once('response', () => resolve());
    stream.once('close', () => resolve());
  });
}

async function main(): Promise<void> {
  // In batches: a thousand connects at once would measure a connection storm, not a stall.
  for (let i = 0; i < count; i += 50) {
    await Promise.all(Array.from({ length: Math.min(50, count - i) }, stalledStream));
  }
  process.send!({ type: 'ready' });
}

process.on('message', () => process.send!({ type: 'resets', resets }));
process.on('disconnect', () => {
  closing = true;
  for (const session of sessions) session.destroy();
  process.exit(0);
});
main().catch((error) => {
  console.error(error);
  process.exit(1);
});
