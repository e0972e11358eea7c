// A minimal grpc-js service with raw-bytes codecs, used to test the envoy stand-ins without a
// daemon: a server-streaming `Watch` that sends its name once and stays open, and a unary `Who`.
import {
  type ChannelCredentials,
  Client,
  credentials,
  type MethodDefinition,
  Server,
  ServerCredentials,
  type ServiceError,
} from '@grpc/grpc-js';

const raw = {
  requestSerialize: (b: Buffer) => b,
  requestDeserialize: (b: Buffer) => b,
  responseSerialize: (b: Buffer) => b,
  responseDeserialize: (b: Buffer) => b,
};

const WATCH: MethodDefinition<Buffer, Buffer> = {
  path: '/launchpad.test.Stub/Watch',
  requestStream: false,
  responseStream: true,
  ...raw,
};

const WHO: MethodDefinition<Buffer, Buffer> = {
  path: '/launchpad.test.Stub/Who',
  requestStream: false,
  responseStream: false,
  ...raw,
};

export interface StubServer {
  readonly port: number;
  close(): void;
}

export function startStub(name: string): Promise<StubServer> {
  const server = new Server();
  server.addService(
    { Watch: WATCH, Who: WHO },
    {
      Watch: (call: { write(b: Buffer): void }) => call.write(Buffer.from(name)),
      Who: (_call: unknown, callback: (e: null, r: Buffer) => void) =>
        callback(null, Buffer.from(name)),
    },
  );
  return new Promise((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, port) => {
      if (error) reject(error);
      else resolve({ port, close: () => server.forceShutdown() });
    });
  });
}

export class StubClient extends Client {
  constructor(
    target: string,
    authority?: string,
    creds: ChannelCredentials = credentials.createInsecure(),
  ) {
    super(target, creds, authority ? { 'grpc.default_authority': authority } : {});
  }

  who(): Promise<string> {
    return new Promise((resolve, reject) => {
      this.makeUnaryRequest(
        WHO.path,
        raw.requestSerialize,
        raw.responseDeserialize,
        Buffer.alloc(0),
        (error: ServiceError | null, value?: Buffer) =>
          error ? reject(error) : resolve(String(value)),
      );
    });
  }

  /** Opens Watch; `first` resolves with the first message, `ended` with the final status. */
  watch(): { first: Promise<string>; ended: Promise<ServiceError | null> } {
    const call = this.makeServerStreamRequest(
      WATCH.path,
      raw.requestSerialize,
      raw.responseDeserialize,
      Buffer.alloc(0),
    );
    const first = new Promise<string>((resolve) =>
      call.once('data', (b: Buffer) => resolve(String(b))),
    );
    const ended = new Promise<ServiceError | null>((resolve) => {
      call.on('error', (e: ServiceError) => resolve(e));
      call.on('end', () => resolve(null));
    });
    return { first, ended };
  }
}
