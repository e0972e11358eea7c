// The transport's floor: a bare grpc-js FlagSyncService that holds SyncFlags streams and, on each
// FetchAllFlags call, writes one pre-encoded payload of the requested size to every stream. The
// call's `selector` names the round; the payload carries it as the daemon's does (`"rev":"<round>"`),
// which is what the bench's clients look for. No files, no parsing, no diffing: what is left is
// grpc-js + HTTP/2 + loopback.
import { Server, ServerCredentials } from '@grpc/grpc-js';
import type { ServerWritableStream, ServiceDefinition } from '@grpc/grpc-js';
import {
  FlagSyncServiceDefinition,
  SyncFlagsResponseSchema,
  encode,
  preEncoded,
} from '@switchyard/protocol';
import type { PreEncoded } from '@switchyard/protocol';

const streams = new Set<ServerWritableStream<unknown, PreEncoded>>();
const size = Number(process.argv[2] ?? 30_000);
const server = new Server();
server.addService(FlagSyncServiceDefinition as unknown as ServiceDefinition, {
  syncFlags: (call: ServerWritableStream<unknown, PreEncoded>) => {
    streams.add(call);
    // Like SyncFlags, an initial message on connect.
    call.write(
      preEncoded(
        encode(SyncFlagsResponseSchema, {
          $typeName: 'flagd.sync.v1.SyncFlagsResponse',
          flagConfiguration: '{"flags":{}}',
        }),
      ),
    );
    call.on('cancelled', () => streams.delete(call));
  },
  fetchAllFlags: (
    call: { request: { selector: string } },
    callback: (e: null, r: unknown) => void,
  ) => {
    const head = `{"flags":{"f":{"metadata":{"rev":${JSON.stringify(call.request.selector)}},"x":`;
    const json = `${head}${JSON.stringify('x'.repeat(Math.max(0, size - head.length - 5)))}}}}`;
    const message = preEncoded(
      encode(SyncFlagsResponseSchema, {
        $typeName: 'flagd.sync.v1.SyncFlagsResponse',
        flagConfiguration: json,
      }),
    );
    for (const s of streams) s.write(message);
    callback(null, { $typeName: 'flagd.sync.v1.FetchAllFlagsResponse', flagConfiguration: '' });
  },
  getMetadata: () => {},
});
server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (_e, port) => {
  process.stdout.write(`PORT ${port}\n`);
});
