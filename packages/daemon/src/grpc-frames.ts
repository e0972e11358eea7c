// Server-streaming writes of shared, pre-framed gRPC messages. grpc-js frames every message it
// is given into a fresh buffer (5-byte prefix + a copy of the bytes, server-interceptors.ts
// serializeMessage) and the HTTP/2 stream holds that copy until the client's flow-control window
// lets it out: a stream that stops reading keeps a private copy of the last message it was sent,
// so 1,000 stalled streams and a 1 MB payload hold 1 GB. Here a message is framed once (per
// generation and selector, or per event) and the same buffer is written to the HTTP/2 stream
// under every grpc-js call, which only keeps a reference to it. grpc-js still owns the call: it
// sends the response headers (sendMetadata), the status trailers after the last write, deadlines
// and cancellation (docs/adr/0035). A server interceptor wraps the call in ServerInterceptingCalls
// whose sendMessage the frames would bypass; one that only observes messages says so with
// observeFrames() and is told each frame's size instead. Under any other interceptor, frames go
// through grpc-js (a copy each).
import { constants } from 'node:http2';
import type { ServerHttp2Stream } from 'node:http2';
import { Metadata, status } from '@grpc/grpc-js';
import type { ServerWritableStream } from '@grpc/grpc-js';
import { preEncoded } from '@switchyard/protocol';
import type { PreEncoded } from '@switchyard/protocol';

/** A gRPC length-prefixed message (uncompressed): 1 flag byte, 4-byte length, the message. */
export type GrpcFrame = Buffer & { readonly __grpcFrame: true };

/** The frame of an encoded message (one copy, made once and shared by every stream). */
export function grpcFrame(message: Uint8Array): GrpcFrame {
  const frame = Buffer.allocUnsafe(message.byteLength + 5);
  frame[0] = 0;
  frame.writeUInt32BE(message.byteLength, 1);
  frame.set(message, 5);
  return frame as GrpcFrame;
}

/** Marks a buffer whose first 5 bytes are already the prefix of the rest. */
export function asGrpcFrame(framed: Buffer): GrpcFrame {
  if (framed.byteLength < 5 || framed.readUInt32BE(1) !== framed.byteLength - 5 || framed[0] !== 0)
    throw new RangeError('not a gRPC message frame');
  return framed as GrpcFrame;
}

/** The message bytes of a frame (a view, not a copy). */
export const messageOf = (frame: GrpcFrame): PreEncoded => preEncoded(frame.subarray(5));

/** Writes frames to one server-streaming call. */
export interface FrameWriter {
  /** True when frames go to the HTTP/2 stream as they are; false: through grpc-js (a copy each). */
  readonly shared: boolean;
  /**
   * Queues a frame; `flushed` runs once it left for the socket, or the stream failed or ended
   * (with the stream's error, if any, which callers may ignore).
   */
  write(frame: GrpcFrame, flushed: (error?: Error | null) => void): void;
  /**
   * Ends the stream at once with RST_STREAM (CANCEL; clients see CANCELLED), dropping what is
   * queued: status trailers would wait behind the data a stalled client does not read.
   */
  reset(): void;
}

type AnyWritableCall = ServerWritableStream<unknown, unknown>;

/** Told the size (message bytes, without the 5-byte prefix) of each frame written past it. */
export type FrameObserver = (messageBytes: number) => void;

const FRAME_OBSERVER = Symbol('switchyard.frameObserver');

/**
 * Marks a grpc-js ServerInterceptingCall whose interceptor only counts the messages sent (its
 * sendMetadata and sendStatus run synchronously): frames may bypass its sendMessage, and
 * `observer` is called for each of them instead.
 */
export function observeFrames<C extends object>(call: C, observer: FrameObserver): C {
  Object.defineProperty(call, FRAME_OBSERVER, { value: observer });
  return call;
}

function isHttp2Stream(value: unknown): value is ServerHttp2Stream {
  const stream = value as Partial<ServerHttp2Stream> | undefined;
  return (
    typeof stream === 'object' &&
    stream !== null &&
    typeof stream.write === 'function' &&
    typeof stream.close === 'function' &&
    typeof stream.respond === 'function' &&
    typeof stream.sendTrailers === 'function'
  );
}

interface InnerCall {
  readonly stream?: unknown;
  readonly nextCall?: InnerCall;
  readonly [FRAME_OBSERVER]?: FrameObserver;
}

/** The HTTP/2 stream under a call and the observers of the interceptors above it. */
interface Http2Target {
  readonly stream: ServerHttp2Stream;
  readonly observers: readonly FrameObserver[];
}

/**
 * The HTTP/2 stream under a grpc-js server call (grpc-js 1.10–1.14: ServerWritableStreamImpl.call
 * is the outermost ServerInterceptingCall, each holding the next in `nextCall`, down to the
 * BaseServerInterceptingCall whose `stream` is the ServerHttp2Stream). Undefined when the shape
 * differs or an interceptor did not mark itself with observeFrames(); callers then write through
 * grpc-js.
 */
function http2TargetOf(call: AnyWritableCall): Http2Target | undefined {
  const observers: FrameObserver[] = [];
  let inner = (call as unknown as { call?: InnerCall }).call;
  while (inner?.nextCall !== undefined) {
    const observer = inner[FRAME_OBSERVER];
    if (observer === undefined) return undefined;
    observers.push(observer);
    inner = inner.nextCall;
  }
  return isHttp2Stream(inner?.stream) ? { stream: inner.stream, observers } : undefined;
}

/**
 * The HTTP/2 stream under a grpc-js server call past every interceptor, marked or not (the
 * chain as http2TargetOf walks it); undefined when the shape differs.
 */
export function http2StreamUnder(call: object): ServerHttp2Stream | undefined {
  let inner = (call as { call?: InnerCall }).call;
  while (inner?.nextCall !== undefined) inner = inner.nextCall;
  return isHttp2Stream(inner?.stream) ? inner.stream : undefined;
}

/** The HTTP/2 stream frames can be written to under `call`, if there is one (see http2TargetOf). */
export function http2StreamOf(call: AnyWritableCall): ServerHttp2Stream | undefined {
  return http2TargetOf(call)?.stream;
}

export function frameWriter(call: AnyWritableCall): FrameWriter {
  const target = http2TargetOf(call);
  if (target === undefined) {
    return {
      shared: false,
      write: (frame, flushed) => call.write(messageOf(frame), flushed),
      reset: () => call.emit('error', { code: status.CANCELLED, details: 'stream reset' }),
    };
  }
  const { stream, observers } = target;
  let headersSent = false;
  return {
    shared: true,
    write(frame, flushed) {
      if (stream.destroyed || stream.closed) {
        flushed();
        return;
      }
      if (!headersSent) {
        headersSent = true;
        // grpc-js sends its response headers once; its trailers then follow the last write.
        call.sendMetadata(new Metadata());
      }
      for (const observe of observers) observe(frame.byteLength - 5);
      // `flushed` as it is: no closure per write (its error argument is ignored).
      stream.write(frame, flushed);
    },
    reset() {
      if (!stream.destroyed) stream.close(constants.NGHTTP2_CANCEL);
    },
  };
}
