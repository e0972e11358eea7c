// The HTTP/2 session behind a grpc-js server call, read through grpc-js's own call chain
// (remote/grpc-connections.ts): on real unary and server-streaming calls, with and without a
// server interceptor in between, it is the session of the call's connection — the same for two
// calls on one connection, another for another connection. This is what a grpc-js upgrade that
// reshapes its calls would break (recognition would then fall back to the peer address).
import {
  Metadata,
  Server,
  ServerCredentials,
  ServerInterceptingCall,
  credentials,
} from '@grpc/grpc-js';
import type { ServerInterceptor } from '@grpc/grpc-js';
import {
  EvaluationV2ServiceClient,
  EvaluationV2ServiceDefinition,
  addService,
} from '@switchyard/protocol';
import { sessionBehind } from '../../src/remote/grpc-connections.js';

interface Seen {
  readonly session: object | undefined;
  readonly peer: string;
}

/** A grpc-js server whose ResolveBoolean and EventStream note each call's session and peer. */
async function server(interceptors: ServerInterceptor[]) {
  const seen: Seen[] = [];
  const note = (call: object & { getPeer(): string }) =>
    seen.push({ session: sessionBehind(call), peer: call.getPeer() });
  const grpc = new Server({ interceptors });
  const unimplemented = (_call: unknown, done: (e: object) => void) => done({ code: 12 });
  addService(grpc, EvaluationV2ServiceDefinition, {
    resolveBoolean: (call, done) => {
      note(call);
      const response = { value: true, reason: 'STATIC', variant: 'on', metadata: {} };
      done(null, { $typeName: 'flagd.evaluation.v2.ResolveBooleanResponse', ...response } as never);
    },
    resolveString: unimplemented as never,
    resolveFloat: unimplemented as never,
    resolveInt: unimplemented as never,
    resolveObject: unimplemented as never,
    eventStream: (call) => {
      note(call);
      call.end();
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    grpc.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) =>
      e ? reject(e) : resolve(p),
    ),
  );
  return { grpc, port, seen };
}

const client = (port: number) =>
  new EvaluationV2ServiceClient(`127.0.0.1:${port}`, credentials.createInsecure(), {
    'grpc.use_local_subchannel_pool': 1,
  });

type Client = InstanceType<typeof EvaluationV2ServiceClient>;

const resolveBoolean = (c: Client) =>
  new Promise<void>((resolve, reject) => {
    const request = { $typeName: 'flagd.evaluation.v2.ResolveBooleanRequest', flagKey: 'f' };
    const done = (e: Error | null) => (e ? reject(e) : resolve());
    c.resolveBoolean(request as never, new Metadata(), {}, done);
  });

const eventStream = (c: Client) =>
  new Promise<void>((resolve, reject) => {
    const stream = c.eventStream({ $typeName: 'flagd.evaluation.v2.EventStreamRequest' } as never);
    stream.on('data', () => {});
    stream.on('end', resolve);
    stream.on('error', reject);
  });

/** An interceptor that passes everything on (as the daemon's telemetry interceptor wraps calls). */
const passThrough: ServerInterceptor = (_method, call) => new ServerInterceptingCall(call);

test.each([
  ['without interceptors', []],
  ['under two server interceptors', [passThrough, passThrough]],
])(
  'the session behind unary and streaming calls is their connection’s (%s)',
  async (_name, interceptors) => {
    const { grpc, port, seen } = await server(interceptors);
    const first = client(port);
    const second = client(port);
    try {
      await resolveBoolean(first);
      await eventStream(first);
      await resolveBoolean(second);
      expect(seen).toHaveLength(3);
      const [a, b, c] = seen as [Seen, Seen, Seen];
      for (const { session, peer } of seen) {
        const socket = (session as { socket?: { remotePort?: number } } | undefined)?.socket;
        expect(`127.0.0.1:${socket?.remotePort}`).toBe(peer);
      }
      expect(b.session).toBe(a.session);
      expect(c.session).not.toBe(a.session);
    } finally {
      first.close();
      second.close();
      grpc.forceShutdown();
    }
  },
);

test('a call not shaped as grpc-js shapes its calls has no session (the peer address decides)', () => {
  expect(sessionBehind({})).toBeUndefined();
  expect(sessionBehind({ call: { nextCall: { stream: { session: {} } } } })).toBeUndefined();
  expect(sessionBehind({ call: null })).toBeUndefined();
});
