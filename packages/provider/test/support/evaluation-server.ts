// A small, controllable flagd.evaluation.v2 server on loopback for RPC-mode tests: a real grpc-js
// peer (not a mock). Resolve* calls are answered from `answers` (a result or a status) and
// counted; EventStream calls get provider_ready, and tests push configuration_change, end the
// streams, or kill and restart the server on the same port.
import { once } from 'node:events';
import { EventEmitter } from 'node:events';
import {
  type Metadata,
  Server,
  ServerCredentials,
  type ServerUnaryCall,
  type ServerWritableStream,
  type status,
} from '@grpc/grpc-js';
import {
  EvaluationV2ServiceDefinition,
  SELECTOR_METADATA_KEY,
  addService,
} from '@switchyard/protocol';

export interface TestResult {
  readonly value?: unknown;
  readonly variant?: string;
  readonly reason: string;
  readonly metadata?: Record<string, unknown>;
}

export type TestAnswer = TestResult | { readonly code: status; readonly details: string };

type Reply = (error: { code: status; details: string } | null, response?: unknown) => void;
type StreamCall = ServerWritableStream<unknown, unknown>;

const selectorOf = (metadata: Metadata): string | undefined => {
  const value = metadata.get(SELECTOR_METADATA_KEY)[0];
  return value === undefined ? undefined : String(value);
};

export class TestEvaluationServer extends EventEmitter {
  readonly answers = new Map<string, TestAnswer>();
  /** Resolve calls received, in order (method and flag key). */
  readonly calls: { readonly method: string; readonly flagKey: string }[] = [];
  /** The `flagd-selector` header of every call and stream. */
  readonly selectors: (string | undefined)[] = [];
  /** Delay before a Resolve call is answered. */
  delayMs = 0;
  /** When set, new EventStream calls fail with it (Resolve calls are still answered). */
  refuseStreams: { code: status; details: string } | undefined;
  private readonly streams = new Set<StreamCall>();
  private server: Server | undefined;
  port = 0;

  static async start(): Promise<TestEvaluationServer> {
    const server = new TestEvaluationServer();
    await server.listen();
    return server;
  }

  get openStreams(): number {
    return this.streams.size;
  }

  /** Resolves when the next EventStream call arrives. */
  async nextStream(): Promise<void> {
    await once(this, 'stream');
  }

  /** Sends configuration_change with `flagKeys` to every open EventStream. */
  change(flagKeys: readonly string[]): void {
    const flags = Object.fromEntries(flagKeys.map((key) => [key, { type: 'update' }]));
    for (const call of this.streams) call.write(event('configuration_change', { flags }));
  }

  /** Ends every EventStream with OK (or `failure`). */
  endStreams(failure?: { code: status; details: string }): void {
    for (const call of [...this.streams]) {
      this.streams.delete(call);
      if (failure) call.emit('error', failure);
      else call.end();
    }
  }

  /** Abrupt stop (every session destroyed), as when a daemon is SIGKILLed. */
  kill(): void {
    this.streams.clear();
    this.server?.forceShutdown();
    this.server = undefined;
  }

  async restart(): Promise<void> {
    this.kill();
    await this.listen();
  }

  private resolve(method: string) {
    return (call: ServerUnaryCall<{ flagKey: string }, unknown>, reply: Reply): void => {
      this.calls.push({ method, flagKey: call.request.flagKey });
      this.selectors.push(selectorOf(call.metadata));
      const answer = this.answers.get(call.request.flagKey) ?? {
        code: 5 as status,
        details: `FLAG_NOT_FOUND: flag "${call.request.flagKey}" not found`,
      };
      const send = () => {
        if ('code' in answer) reply(answer);
        else reply(null, { $typeName: `flagd.evaluation.v2.${method}Response`, ...answer });
      };
      if (this.delayMs > 0) setTimeout(send, this.delayMs);
      else send();
    };
  }

  private eventStream(call: StreamCall): void {
    this.selectors.push(selectorOf(call.metadata));
    if (this.refuseStreams) {
      call.emit('error', this.refuseStreams);
      return;
    }
    this.streams.add(call);
    call.on('cancelled', () => this.streams.delete(call));
    call.write(event('provider_ready', {}));
    this.emit('stream');
  }

  private async listen(): Promise<void> {
    const server = new Server();
    addService(server, EvaluationV2ServiceDefinition, {
      resolveBoolean: this.resolve('ResolveBoolean'),
      resolveString: this.resolve('ResolveString'),
      resolveFloat: this.resolve('ResolveFloat'),
      resolveInt: this.resolve('ResolveInt'),
      resolveObject: this.resolve('ResolveObject'),
      eventStream: (call: StreamCall) => this.eventStream(call),
    } as never);
    this.port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(
        `127.0.0.1:${this.port}`,
        ServerCredentials.createInsecure(),
        (error, port) => (error ? reject(error) : resolve(port)),
      ),
    );
    this.server = server;
  }
}

function event(type: string, data: object) {
  return { $typeName: 'flagd.evaluation.v2.EventStreamResponse', type, data };
}
