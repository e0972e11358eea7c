// Round trips through a real grpc-js server and client on loopback, one per service, using the
// service definitions of @switchyard/protocol on both sides (the protobuf-es binary codecs).
import { create } from '@bufbuild/protobuf';
import {
  type ClientReadableStream,
  Metadata,
  Server,
  ServerCredentials,
  type ServerUnaryCall,
  type ServiceError,
  credentials,
  status,
} from '@grpc/grpc-js';
import {
  EvaluationV1ServiceClient,
  EvaluationV1ServiceDefinition,
  EvaluationV2ServiceClient,
  EvaluationV2ServiceDefinition,
  FetchAllFlagsRequestSchema,
  FetchAllFlagsResponseSchema,
  FlagSyncServiceClient,
  GetMetadataRequestSchema,
  FlagSyncServiceDefinition,
  SELECTOR_METADATA_KEY,
  SyncFlagsRequestSchema,
  SyncFlagsResponseSchema,
  addService,
  encode,
  evaluationV1,
  evaluationV2,
  preEncoded,
  type SyncFlagsResponse,
} from '@switchyard/protocol';

let server: Server;
let address: string;

/** A unary handler from a plain function of the request. */
function unary<Req, Res>(handler: (request: Req) => Res) {
  return (
    call: ServerUnaryCall<Req, Res>,
    callback: (error: Partial<ServiceError> | null, response?: Res) => void,
  ) => callback(null, handler(call.request));
}

beforeAll(async () => {
  server = new Server();
  addService(server, FlagSyncServiceDefinition, {
    syncFlags(call) {
      const selector = call.metadata.get(SELECTOR_METADATA_KEY)[0] ?? call.request.selector;
      call.write(
        create(SyncFlagsResponseSchema, {
          flagConfiguration: `{"flags":{},"selector":${JSON.stringify(selector)}}`,
          syncContext: { injectedmetadata: 'set' },
        }),
      );
      // The daemon's fan-out path: bytes encoded once, written as-is.
      call.write(
        preEncoded(
          encode(
            SyncFlagsResponseSchema,
            create(SyncFlagsResponseSchema, { flagConfiguration: '{"flags":{"pre":{}}}' }),
          ),
        ),
      );
      call.end();
    },
    fetchAllFlags: unary((request) =>
      create(FetchAllFlagsResponseSchema, {
        flagConfiguration: `{"flags":{},"selector":"${request.selector}"}`,
      }),
    ),
    getMetadata: (_call, callback) => callback({ code: status.UNIMPLEMENTED, details: 'disabled' }),
  });

  addService(server, EvaluationV1ServiceDefinition, {
    resolveAll: unary(() =>
      create(evaluationV1.ResolveAllResponseSchema, {
        flags: {
          a: { reason: 'STATIC', variant: 'on', value: { case: 'boolValue', value: true } },
          b: { reason: 'STATIC', variant: 'x', value: { case: 'objectValue', value: { k: [1] } } },
        },
        metadata: { flagSetId: 'set' },
      }),
    ),
    resolveBoolean: unary((r) =>
      create(evaluationV1.ResolveBooleanResponseSchema, {
        value: r.context?.['on'] === true,
        reason: 'TARGETING_MATCH',
        variant: 'on',
      }),
    ),
    resolveString: unary(() =>
      create(evaluationV1.ResolveStringResponseSchema, { value: 'hi', reason: 'STATIC' }),
    ),
    resolveFloat: unary(() =>
      create(evaluationV1.ResolveFloatResponseSchema, { value: 0.5, reason: 'STATIC' }),
    ),
    resolveInt: unary(() =>
      create(evaluationV1.ResolveIntResponseSchema, { value: 9007199254740993n, reason: 'STATIC' }),
    ),
    resolveObject: unary(() =>
      create(evaluationV1.ResolveObjectResponseSchema, {
        value: { a: { b: null } },
        reason: 'STATIC',
      }),
    ),
    eventStream(call) {
      call.write(create(evaluationV1.EventStreamResponseSchema, { type: 'provider_ready' }));
      call.write(
        create(evaluationV1.EventStreamResponseSchema, {
          type: 'configuration_change',
          data: { flags: { a: { type: 'update' } } },
        }),
      );
      call.end();
    },
  });

  addService(server, EvaluationV2ServiceDefinition, {
    resolveBoolean: unary(() =>
      create(evaluationV2.ResolveBooleanResponseSchema, { reason: 'DISABLED' }),
    ),
    resolveString: unary(() =>
      create(evaluationV2.ResolveStringResponseSchema, {
        value: '',
        reason: 'STATIC',
        variant: '',
      }),
    ),
    resolveFloat: unary(() =>
      create(evaluationV2.ResolveFloatResponseSchema, { reason: 'DEFAULT' }),
    ),
    resolveInt: unary(() =>
      create(evaluationV2.ResolveIntResponseSchema, { value: -1n, reason: 'STATIC' }),
    ),
    resolveObject: unary(() =>
      create(evaluationV2.ResolveObjectResponseSchema, { value: {}, reason: 'STATIC' }),
    ),
    eventStream(call) {
      call.write(create(evaluationV2.EventStreamResponseSchema, { type: 'provider_ready' }));
      call.end();
    },
  });

  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, p) =>
      error ? reject(error) : resolve(p),
    ),
  );
  address = `127.0.0.1:${port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
});

function call<T>(start: (cb: (e: ServiceError | null, r?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) =>
    start((error, response) => (error ? reject(error) : resolve(response as T))),
  );
}

function collect<T>(stream: ClientReadableStream<T>): Promise<T[]> {
  const messages: T[] = [];
  return new Promise((resolve, reject) => {
    stream.on('data', (m: T) => messages.push(m));
    stream.on('error', reject);
    stream.on('end', () => resolve(messages));
  });
}

describe('flagd.sync.v1.FlagSyncService over grpc-js', () => {
  test('SyncFlags streams messages; the selector header reaches the server; pre-encoded bytes decode', async () => {
    const client = new FlagSyncServiceClient(address, credentials.createInsecure());
    const metadata = new Metadata();
    metadata.set(SELECTOR_METADATA_KEY, 'flagSetId=header');
    const stream = client.syncFlags(
      create(SyncFlagsRequestSchema, { providerId: 'p', selector: 'source=body' }),
      metadata,
    );
    const messages: SyncFlagsResponse[] = await collect(stream);
    expect(messages).toHaveLength(2);
    expect(JSON.parse(messages[0]!.flagConfiguration).selector).toBe('flagSetId=header');
    expect(messages[0]!.syncContext).toEqual({ injectedmetadata: 'set' });
    expect(messages[1]!.flagConfiguration).toBe('{"flags":{"pre":{}}}');
    expect(messages[1]!.syncContext).toBeUndefined();
    client.close();
  });

  test('FetchAllFlags is unary; GetMetadata status codes pass through', async () => {
    const client = new FlagSyncServiceClient(address, credentials.createInsecure());
    const response = await call<{ flagConfiguration: string }>((cb) =>
      client.fetchAllFlags(
        create(FetchAllFlagsRequestSchema, { selector: 'x' }),
        new Metadata(),
        {},
        cb,
      ),
    );
    expect(JSON.parse(response.flagConfiguration).selector).toBe('x');
    await expect(
      call((cb) => client.getMetadata(create(GetMetadataRequestSchema), new Metadata(), {}, cb)),
    ).rejects.toMatchObject({ code: status.UNIMPLEMENTED });
    client.close();
  });
});

describe('flagd.evaluation.v1.Service over grpc-js', () => {
  test('every unary method and ResolveAll', async () => {
    const client = new EvaluationV1ServiceClient(address, credentials.createInsecure());
    const ctx = { on: true };
    const b = await call<evaluationV1.ResolveBooleanResponse>((cb) =>
      client.resolveBoolean(
        create(evaluationV1.ResolveBooleanRequestSchema, { flagKey: 'f', context: ctx }),
        new Metadata(),
        {},
        cb,
      ),
    );
    expect(b).toMatchObject({ value: true, reason: 'TARGETING_MATCH', variant: 'on' });
    const s = await call<evaluationV1.ResolveStringResponse>((cb) =>
      client.resolveString(create(evaluationV1.ResolveStringRequestSchema), new Metadata(), {}, cb),
    );
    expect(s.value).toBe('hi');
    const f = await call<evaluationV1.ResolveFloatResponse>((cb) =>
      client.resolveFloat(create(evaluationV1.ResolveFloatRequestSchema), new Metadata(), {}, cb),
    );
    expect(f.value).toBe(0.5);
    const i = await call<evaluationV1.ResolveIntResponse>((cb) =>
      client.resolveInt(create(evaluationV1.ResolveIntRequestSchema), new Metadata(), {}, cb),
    );
    expect(i.value).toBe(9007199254740993n);
    const o = await call<evaluationV1.ResolveObjectResponse>((cb) =>
      client.resolveObject(create(evaluationV1.ResolveObjectRequestSchema), new Metadata(), {}, cb),
    );
    expect(o.value).toEqual({ a: { b: null } });
    const all = await call<evaluationV1.ResolveAllResponse>((cb) =>
      client.resolveAll(create(evaluationV1.ResolveAllRequestSchema), new Metadata(), {}, cb),
    );
    expect(all.flags['a']!.value).toEqual({ case: 'boolValue', value: true });
    expect(all.flags['b']!.value).toEqual({ case: 'objectValue', value: { k: [1] } });
    expect(all.metadata).toEqual({ flagSetId: 'set' });
    client.close();
  });

  test('EventStream delivers typed events', async () => {
    const client = new EvaluationV1ServiceClient(address, credentials.createInsecure());
    const events = await collect(
      client.eventStream(create(evaluationV1.EventStreamRequestSchema), new Metadata()),
    );
    expect(events.map((e) => e.type)).toEqual(['provider_ready', 'configuration_change']);
    expect(events[1]!.data).toEqual({ flags: { a: { type: 'update' } } });
    client.close();
  });
});

describe('flagd.evaluation.v2.Service over grpc-js', () => {
  test('optional value and variant survive the round trip unset', async () => {
    const client = new EvaluationV2ServiceClient(address, credentials.createInsecure());
    const b = await call<evaluationV2.ResolveBooleanResponse>((cb) =>
      client.resolveBoolean(
        create(evaluationV2.ResolveBooleanRequestSchema),
        new Metadata(),
        {},
        cb,
      ),
    );
    expect(b.value).toBeUndefined();
    expect(b.variant).toBeUndefined();
    expect(b.reason).toBe('DISABLED');
    const s = await call<evaluationV2.ResolveStringResponse>((cb) =>
      client.resolveString(create(evaluationV2.ResolveStringRequestSchema), new Metadata(), {}, cb),
    );
    expect(s.value).toBe('');
    expect(s.variant).toBe('');
    const f = await call<evaluationV2.ResolveFloatResponse>((cb) =>
      client.resolveFloat(create(evaluationV2.ResolveFloatRequestSchema), new Metadata(), {}, cb),
    );
    expect(f.value).toBeUndefined();
    const i = await call<evaluationV2.ResolveIntResponse>((cb) =>
      client.resolveInt(create(evaluationV2.ResolveIntRequestSchema), new Metadata(), {}, cb),
    );
    expect(i.value).toBe(-1n);
    const o = await call<evaluationV2.ResolveObjectResponse>((cb) =>
      client.resolveObject(create(evaluationV2.ResolveObjectRequestSchema), new Metadata(), {}, cb),
    );
    expect(o.value).toEqual({});
    const events = await collect(
      client.eventStream(create(evaluationV2.EventStreamRequestSchema), new Metadata()),
    );
    expect(events.map((e) => e.type)).toEqual(['provider_ready']);
    client.close();
  });
});
