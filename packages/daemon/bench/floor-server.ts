// The transport's floor: a bare grpc-js FlagSyncService that holds SyncFlags streams and, on each
// FetchAllFlags call, writes one payload of the requested size to every stream. The call's
// `selector` names the round; the payload carries it as the daemon's does (`"rev":"<round>"`),
// which is what the bench's clients look for. The payload is encoded and framed once and the same
// frame is written to every stream's HTTP/2 stream, as the daemon writes its generations
// (src/grpc-frames.ts; grpc-js's own call.write copies each message per stream, which is slower
// than the daemon and would flatter it). No files, no parsing, no diffing: what is left is
// grpc-js + HTTP/2 + loopback.
import { Server, ServerCredentials } from '@grpc/grpc-js';
import type { ServerWritableStream, ServiceDefinition } from '@grpc/grpc-js';
import { FlagSyncServiceDefinition, SyncFlagsResponseSchema, encode } from '@switchyard/protocol';
import { frameWriter, grpcFrame } from '../src/grpc-frames.js';
import type { FrameWriter, GrpcFrame } from '../src/grpc-frames.js';

const size = Number(process.argv[2] ?? 30_000);
const writers = new Set<FrameWriter>();
const done = () => {};

const frameOf = (flagConfiguration: string): GrpcFrame =>
  grpcFrame(
    encode(SyncFlagsResponseSchema, {
      $typeName: 'flagd.sync.v1.SyncFlagsResponse',
      flagConfiguration,
    }),
  );

const server = new Server();
server.addService(FlagSyncServiceDefinition as unknown as ServiceDefinition, {
  syncFlags: (call: ServerWritableStream<unknown, unknown>) => {
    const writer = frameWriter(call);
    writers.add(writer);
    // Like SyncFlags, an initial message on connect.
    writer.write(frameOf('{"flags":{}}'), done);
    call.on('cancelled', () => writers.delete(writer));
  },
  fetchAllFlags: (
    call: { request: { selector: string } },
    callback: (e: null, r: unknown) => void,
  ) => {
    const head = `{"flags":{"f":{"metadata":{"rev":${JSON.stringify(call.request.selector)}},"x":`;
    const frame = frameOf(
      `${head}${JSON.stringify('x'.repeat(Math.max(0, size - head.length - 5)))}}}}`,
    );
    for (const writer of writers) writer.write(frame, done);
    callback(null, { $typeName: 'flagd.sync.v1.FetchAllFlagsResponse', flagConfiguration: '' });
  },
  getMetadata: () => {},
});
server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (_e, port) => {
  process.stdout.write(`PORT ${port}\n`);
});
// Exit on the bench's SIGTERM through process.exit, so that --cpu-prof writes its profile.
process.on('SIGTERM', () => process.exit(0));
