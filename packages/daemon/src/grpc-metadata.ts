// Reading gRPC request metadata the way every handler needs it.
import type { Metadata } from '@grpc/grpc-js';

/** First value of a metadata key as a string (keys are lower-case in grpc-js). */
export function metadataValue(metadata: Metadata, key: string): string | undefined {
  const values = metadata.get(key);
  if (values.length === 0) return undefined;
  const first = values[0]!;
  return typeof first === 'string' ? first : first.toString('utf8');
}
