// A server-streaming gRPC call over a bare HTTP/2 stream that reads nothing until asked to: Node
// stops consuming (and granting flow-control window) once 16 KB are buffered, so the server's
// writes stop flushing, as with a client that hangs. Messages are split from the raw bytes and
// handed over undecoded.
import { connect } from 'node:http2';

export interface RawStream {
  /**
   * Reads until `until` returns true for a message, then stops reading again; resolves with the
   * messages read by this call.
   */
  readUntil(until: (message: Buffer) => boolean): Promise<Buffer[]>;
  /** Resolves with the RST_STREAM code (0: ended normally) once the stream is closed. */
  readonly closed: Promise<number>;
  close(): void;
}

export function rawServerStream(port: number, path: string, request: Uint8Array): RawStream {
  const session = connect(`http://127.0.0.1:${port}`);
  session.on('error', () => {});
  const stream = session.request({
    ':method': 'POST',
    ':path': path,
    'content-type': 'application/grpc',
    te: 'trailers',
  });
  const header = Buffer.alloc(5);
  header.writeUInt32BE(request.byteLength, 1);
  stream.end(Buffer.concat([header, request]));
  stream.on('error', () => {});
  // Paused until readUntil: nothing is consumed, so the window fills.
  stream.pause();
  let buffered = Buffer.alloc(0);
  const closed = new Promise<number>((resolve) =>
    stream.on('close', () => resolve(stream.rstCode ?? 0)),
  );
  return {
    closed,
    readUntil(until) {
      const messages: Buffer[] = [];
      return new Promise((resolve, reject) => {
        const onClose = () => reject(new Error(`stream closed (rst ${stream.rstCode})`));
        const onData = (chunk: Buffer) => {
          buffered = Buffer.concat([buffered, chunk]);
          while (buffered.byteLength >= 5 && buffered.byteLength >= 5 + buffered.readUInt32BE(1)) {
            const length = buffered.readUInt32BE(1);
            const message = Buffer.from(buffered.subarray(5, 5 + length));
            buffered = buffered.subarray(5 + length);
            messages.push(message);
            if (until(message)) {
              stream.pause();
              stream.off('data', onData);
              stream.off('close', onClose);
              resolve(messages);
              return;
            }
          }
        };
        stream.on('close', onClose);
        stream.on('data', onData);
        stream.resume();
      });
    },
    close: () => session.destroy(),
  };
}
