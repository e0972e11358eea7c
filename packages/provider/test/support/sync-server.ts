// A small, controllable flagd.sync.v1 server on loopback: a real grpc-js peer (not a mock) that
// tests drive to push payloads, send invalid ones, delay, end streams, hit deadlines, answer
// with a chosen status, or be killed and restarted on the same port.
import { EventEmitter, once } from 'node:events';
import {
  Server,
  type ServerCredentials,
  type ServerWritableStream,
  type ServiceDefinition,
  ServerCredentials as Credentials,
  type status,
} from '@grpc/grpc-js';
import {
  FlagSyncServiceDefinition,
  SELECTOR_METADATA_KEY,
  type SyncFlagsRequest,
  type SyncFlagsResponse,
  UsageServiceDefinition,
  type usageV1,
} from '@switchyard/protocol';

type JsonObject = { [key: string]: unknown };

/** What one SyncFlags call looked like on the server side. */
export interface SeenRequest {
  readonly providerId: string;
  readonly selectorField: string;
  readonly selectorHeader: string | undefined;
  readonly authority: string;
  readonly deadline: number;
  /** Every metadata entry of the call (custom headers included). */
  readonly metadata: Readonly<Record<string, unknown>>;
}

export interface SyncServerOptions {
  /** Listen on a unix socket instead of a loopback port. */
  readonly socketPath?: string;
  /** A fixed loopback port (default: any free one). */
  readonly port?: number;
  /** Also serve switchyard.usage.v1 (as a Switchyard daemon does; a flagd does not). */
  readonly acceptUsage?: boolean;
  /** TLS key and certificate (PEM). */
  readonly tls?: { readonly key: Buffer; readonly cert: Buffer };
}

type Call = ServerWritableStream<SyncFlagsRequest, SyncFlagsResponse>;

export class TestSyncServer extends EventEmitter {
  /** The configuration new streams receive first (and pushes update). */
  configuration: string;
  syncContext: JsonObject | undefined;
  /** When set, every new SyncFlags call fails with this status instead of streaming. */
  failWith: { code: status; details: string } | undefined;
  /** Delay before a new stream gets its first payload. */
  firstPayloadDelayMs = 0;
  /** When true, new streams stay open but receive nothing. */
  silent = false;
  readonly requests: SeenRequest[] = [];
  /** Usage reports received (acceptUsage). */
  readonly usageReports: usageV1.ReportUsageRequest[] = [];
  private readonly calls = new Set<Call>();
  private server: Server | undefined;
  private timers = new Set<NodeJS.Timeout>();
  port = 0;

  private constructor(
    configuration: string,
    private readonly options: SyncServerOptions,
  ) {
    super();
    this.configuration = configuration;
    this.port = options.port ?? 0;
  }

  static async start(configuration: string, options: SyncServerOptions = {}) {
    const server = new TestSyncServer(configuration, options);
    await server.listen();
    return server;
  }

  /** Open streams right now. */
  get openStreams(): number {
    return this.calls.size;
  }

  /** Pushes a new configuration to every open stream (and to later streams). */
  push(configuration: string, syncContext?: JsonObject): void {
    this.configuration = configuration;
    if (syncContext !== undefined) this.syncContext = syncContext;
    for (const call of this.calls) this.send(call);
  }

  /** Sends a payload to open streams without making it the served configuration. */
  pushRaw(configuration: string): void {
    for (const call of this.calls) call.write(this.response(configuration));
  }

  /** Ends every open stream with status OK (or the given status). */
  endStreams(failure?: { code: status; details: string }): void {
    for (const call of [...this.calls]) {
      this.calls.delete(call);
      if (failure) call.emit('error', failure);
      else call.end();
    }
  }

  /** Abrupt stop: every HTTP/2 session is destroyed, as when a daemon is SIGKILLed. */
  kill(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.calls.clear();
    this.server?.forceShutdown();
    this.server = undefined;
  }

  /** Starts again on the same port (or socket). */
  async restart(): Promise<void> {
    if (this.server) this.kill();
    await this.listen();
  }

  async close(): Promise<void> {
    this.kill();
  }

  /** Resolves with the next SyncFlags request. */
  async nextRequest(): Promise<SeenRequest> {
    const [request] = (await once(this, 'request')) as [SeenRequest];
    return request;
  }

  private response(configuration: string): SyncFlagsResponse {
    const response: SyncFlagsResponse = {
      $typeName: 'flagd.sync.v1.SyncFlagsResponse',
      flagConfiguration: configuration,
    };
    if (this.syncContext !== undefined) {
      response.syncContext = this.syncContext as SyncFlagsResponse['syncContext'];
    }
    return response;
  }

  private send(call: Call): void {
    if (!this.calls.has(call)) return;
    call.write(this.response(this.configuration));
  }

  private handle(call: Call): void {
    const header = call.metadata.get(SELECTOR_METADATA_KEY)[0];
    const seen: SeenRequest = {
      providerId: call.request.providerId,
      selectorField: call.request.selector,
      selectorHeader: header === undefined ? undefined : String(header),
      authority: call.getHost(),
      deadline: Number(call.getDeadline()),
      metadata: call.metadata.getMap(),
    };
    this.requests.push(seen);
    this.emit('request', seen);
    if (this.failWith) {
      call.emit('error', this.failWith);
      return;
    }
    this.calls.add(call);
    call.on('cancelled', () => this.calls.delete(call));
    call.on('close', () => this.calls.delete(call));
    if (this.silent) return;
    if (this.firstPayloadDelayMs > 0) {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.send(call);
      }, this.firstPayloadDelayMs);
      this.timers.add(timer);
    } else {
      this.send(call);
    }
  }

  private async listen(): Promise<void> {
    const server = new Server();
    server.addService(FlagSyncServiceDefinition as unknown as ServiceDefinition, {
      syncFlags: (call: Call) => this.handle(call),
    });
    if (this.options.acceptUsage) {
      server.addService(UsageServiceDefinition as unknown as ServiceDefinition, {
        reportUsage: (
          call: { request: usageV1.ReportUsageRequest },
          callback: (error: null, response: usageV1.ReportUsageResponse) => void,
        ) => {
          this.usageReports.push(call.request);
          this.emit('usage', call.request);
          callback(null, { $typeName: 'switchyard.usage.v1.ReportUsageResponse' });
        },
      });
    }
    const creds: ServerCredentials = this.options.tls
      ? Credentials.createSsl(null, [
          { private_key: this.options.tls.key, cert_chain: this.options.tls.cert },
        ])
      : Credentials.createInsecure();
    const address = this.options.socketPath
      ? `unix:${this.options.socketPath}`
      : `127.0.0.1:${this.port}`;
    this.port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(address, creds, (error, port) => (error ? reject(error) : resolve(port))),
    );
    this.server = server;
  }
}
