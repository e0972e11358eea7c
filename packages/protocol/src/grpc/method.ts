import { fromBinary, toBinary } from '@bufbuild/protobuf';
import type { DescMessage, MessageShape } from '@bufbuild/protobuf';
import type { MethodDefinition } from '@grpc/grpc-js';

/**
 * A response that was serialised once and is written as-is to many streams.
 * The sync daemon encodes each generation once per selector, not once per client.
 */
export interface PreEncoded {
  readonly preEncoded: Buffer;
}

/** Wraps bytes produced by {@link encode} so a server method writes them without re-encoding. */
export function preEncoded(bytes: Uint8Array): PreEncoded {
  return {
    preEncoded: Buffer.isBuffer(bytes)
      ? bytes
      : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
  };
}

function isPreEncoded(value: unknown): value is PreEncoded {
  return typeof value === 'object' && value !== null && 'preEncoded' in value;
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Serialises a message with its generated binary codec. */
export function encode<D extends DescMessage>(schema: D, message: MessageShape<D>): Buffer {
  return toBuffer(toBinary(schema, message));
}

interface MethodSpec<I extends DescMessage, O extends DescMessage, S extends boolean> {
  readonly service: string;
  readonly name: string;
  readonly input: I;
  readonly output: O;
  readonly serverStreaming: S;
}

/** A grpc-js method definition that remembers, in its type, whether it streams responses. */
export type TypedMethodDefinition<Req, Res, S extends boolean> = MethodDefinition<
  Req,
  Res | PreEncoded
> & { readonly responseStream: S };

/**
 * A grpc-js method definition whose codecs are the protobuf-es binary codecs.
 * Responses may also be {@link PreEncoded} bytes (server side only).
 */
export function defineMethod<I extends DescMessage, O extends DescMessage, S extends boolean>(
  spec: MethodSpec<I, O, S>,
): TypedMethodDefinition<MessageShape<I>, MessageShape<O>, S> {
  const { input, output } = spec;
  return {
    path: `/${spec.service}/${spec.name}`,
    requestStream: false,
    responseStream: spec.serverStreaming,
    requestSerialize: (message: MessageShape<I>) => toBuffer(toBinary(input, message)),
    requestDeserialize: (bytes: Buffer) => fromBinary(input, bytes),
    responseSerialize: (message: MessageShape<O> | PreEncoded) =>
      isPreEncoded(message) ? message.preEncoded : toBuffer(toBinary(output, message)),
    responseDeserialize: (bytes: Buffer) => fromBinary(output, bytes),
    originalName: spec.name.charAt(0).toLowerCase() + spec.name.slice(1),
  };
}
