// The transport's floor: a bare grpc-js FlagSyncService that holds SyncFlags streams and, on each
// FetchAllFlags call, writes one pre-encoded payload of the requested size to every stream.
// No files, no parsing, no diffing: what is left is grpc-js + HTTP/2 + loopback.
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
let n = 0;
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
  fetchAllFlags: (_call: unknown, callback: (e: null, r: unknown) => void) => {
    n++;
    const json = `{"flags":{"n${n}":${JSON.stringify('x'.repeat(Math.max(0, size - 20)))}}}`;
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
