// The hand-written SyncFlagsResponse encoding must be byte-for-byte what protobuf-es writes
// (flagd.sync.v1 wire format), for every payload size class of the length varint and for
// non-ASCII JSON, with and without a sync_context.
import { SyncFlagsResponseSchema, encode } from '@switchyard/protocol';
import { encodeSyncMessage } from '../src/sync/sync-message.js';

const reference = (json: string, syncContext: Record<string, string>) =>
  encode(SyncFlagsResponseSchema, {
    $typeName: 'flagd.sync.v1.SyncFlagsResponse',
    flagConfiguration: json,
    syncContext,
  });

test.each([
  ['empty', ''],
  ['short', '{"flags":{}}'],
  ['127 bytes', `{"flags":{"a":"${'x'.repeat(127 - 18)}"}}`],
  ['128 bytes', `{"flags":{"a":"${'x'.repeat(128 - 18)}"}}`],
  ['non-ASCII', '{"flags":{"größe":{"variants":{"🚀":"ü"}}}}'],
  ['20,000 bytes', `{"flags":{"a":"${'y'.repeat(20_000)}"}}`],
  ['3 MB', `{"flags":{"a":"${'z'.repeat(3 * 2 ** 20)}"}}`],
])('%s payload: same bytes as protobuf-es', (_name, json) => {
  for (const context of [{}, { env: 'prod', region: 'eu-west-1' }]) {
    expect(Buffer.compare(encodeSyncMessage(json, context), reference(json, context))).toBe(0);
  }
});
