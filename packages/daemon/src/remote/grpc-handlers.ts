// flagd.evaluation v1 and v2 as grpc-js handlers (the gRPC protocol's fast path): each call is
// handed to the one EvaluationService; successful responses of shared results are written as
// bytes encoded once per view, failures as the status the service chose.
import type { Metadata, ServerUnaryCall, ServerWritableStream, ServiceError } from '@grpc/grpc-js';
import {
  type EvaluationV1ServiceDefinition,
  type EvaluationV2ServiceDefinition,
  encode,
  preEncoded,
} from '@switchyard/protocol';
import type { PreEncoded, ServiceImplementation } from '@switchyard/protocol';
import type { CertificateSubject } from '../auth/access-policy.js';
import type { GrpcCallLike } from '../auth/credentials.js';
import type { JsonObject } from '../engine.js';
import { frameWriter } from '../grpc-frames.js';
import { metadataValue } from '../grpc-metadata.js';
import type { CallInfo, Outcome } from './call.js';
import type { HeaderReader } from './context.js';
import type { EvaluationService, ResolveRequest, ResponseEncoding } from './evaluation-service.js';
import type { EventStreams } from './event-stream.js';
import type { GrpcConnections } from './grpc-connections.js';
import type { ResolveKind } from './resolve-kinds.js';
import { STATUS } from './status.js';
import type { CallFailure, StatusCode } from './status.js';
import { resultCache } from './view-caches.js';

type Reply = (error: Partial<ServiceError> | null, response?: unknown) => void;

const V1 = 'flagd.evaluation.v1.Service';
const V2 = 'flagd.evaluation.v2.Service';

const headerOf =
  (metadata: Metadata): HeaderReader =>
  (name) =>
    metadataValue(metadata, name);

/** A grpc-js call (unary or streaming): its metadata, the connection's TLS peer and address. */
type GrpcCall = GrpcCallLike & { getPeer(): string };

/** A pre-encoded answer's size (other answers are encoded by grpc-js: not measured). */
const encodedSize = (value: unknown) =>
  (value as Partial<PreEncoded> | undefined)?.preEncoded?.length;

/**
 * A gRPC call as the evaluation service sees it. A class, so that the connection is looked up
 * only when read (--auth-config) through a getter on the prototype: a getter in an object
 * literal costs V8 ~0.5 µs to create on every call.
 */
class GrpcCallInfo implements CallInfo {
  readonly protocol = 'grpc';
  readonly header: HeaderReader;
  readonly certificate: () => CertificateSubject | undefined;
  readonly requestBytes: number | undefined;
  readonly responseBytes = encodedSize;
  readonly service: string;
  readonly method: string;
  private readonly connections: GrpcConnections | undefined;

  constructor(
    where: { service: string; method: string; connections?: GrpcConnections | undefined },
    private readonly call: GrpcCall,
  ) {
    this.service = where.service;
    this.method = where.method;
    this.connections = where.connections;
    this.header = headerOf(call.metadata);
    this.certificate = () =>
      call.getAuthContext().sslPeerCertificate?.subject as CertificateSubject | undefined;
    this.requestBytes = (call as { request?: Partial<ResolveRequest> }).request?.bytes;
  }

  get connection(): object | undefined {
    return this.connections?.of(this.call);
  }
}

const asStatus = (failure: CallFailure) => ({ code: failure.code, details: failure.message });

function reply<T>(outcome: Outcome<T>, callback: Reply): void {
  if (outcome.ok) callback(null, outcome.value);
  else callback(asStatus(outcome.failure));
}

const METHOD: Readonly<Record<ResolveKind, string>> = {
  boolean: 'ResolveBoolean',
  string: 'ResolveString',
  float: 'ResolveFloat',
  int: 'ResolveInt',
  object: 'ResolveObject',
};

/** Pre-encoded bytes, cached per view and version (the unary callback writes them as they are). */
function bytesEncoding(version: 1 | 2, kind: ResolveKind): ResponseEncoding<PreEncoded> {
  return {
    cache: resultCache<PreEncoded>(`grpc-v${version}-${kind}`),
    encode: (message, schema) => preEncoded(encode(schema as never, message as never)),
  };
}

export interface GrpcHandlerOptions {
  readonly service: EvaluationService;
  readonly events: EventStreams;
  /** The sessions of the HTTP/2 server grpc-js is bridged to: the connection of each call. */
  readonly connections?: GrpcConnections | undefined;
}

export class GrpcHandlers {
  constructor(private readonly options: GrpcHandlerOptions) {}

  private resolve(version: 1 | 2, kind: ResolveKind) {
    const encoding = bytesEncoding(version, kind);
    const service = version === 1 ? V1 : V2;
    const method = METHOD[kind];
    return (call: ServerUnaryCall<ResolveRequest, unknown>, callback: Reply): void => {
      const info = new GrpcCallInfo(
        { service, method, connections: this.options.connections },
        call,
      );
      reply(
        this.options.service.resolve(info, { version, kind, request: call.request }, encoding),
        callback,
      );
    };
  }

  private eventStream(service: string) {
    return (call: ServerWritableStream<unknown, PreEncoded>): void => {
      const info = new GrpcCallInfo(
        { service, method: 'EventStream', connections: this.options.connections },
        call,
      );
      const span = this.options.service.streamSpan(info);
      let remove: (() => void) | undefined;
      const subscribed = this.options.service.around(info, () => {
        const selector = this.options.service.served(info);
        if (!selector.ok) return selector;
        const served = selector.value;
        // The shared frames go to the HTTP/2 stream as they are (grpc-frames.ts).
        const writer = frameWriter(call);
        remove = this.options.events.subscribe(
          served,
          {
            write: (event, flushed) => writer.write(event.frame, flushed),
            reset: () => writer.reset(),
            end: () => call.end(),
            fail: (failure) => {
              remove?.();
              call.emit('error', asStatus(failure));
            },
          },
          () => this.options.service.stillServed(info, served),
        );
        return { ok: true, value: undefined } as const;
      });
      if (!subscribed.ok) {
        span?.end(subscribed.failure);
        call.emit('error', asStatus(subscribed.failure));
        return;
      }
      const unsubscribe = () => remove?.();
      call.on('cancelled', () => {
        unsubscribe();
        span?.end({ code: STATUS.CANCELLED, message: 'the client cancelled the stream' });
      });
      call.on('close', unsubscribe);
      call.on('finish', () => {
        unsubscribe();
        span?.end();
      });
      call.on('error', (error: Partial<ServiceError>) => {
        unsubscribe();
        span?.end({
          code: (error.code as StatusCode | undefined) ?? STATUS.UNKNOWN,
          message: error.details ?? error.message ?? '',
        });
      });
    };
  }

  v1(): ServiceImplementation<typeof EvaluationV1ServiceDefinition> {
    const r = (kind: ResolveKind) => this.resolve(1, kind) as never;
    return {
      resolveAll: ((
        call: ServerUnaryCall<{ context?: JsonObject | undefined }, unknown>,
        callback: Reply,
      ) =>
        reply(
          this.options.service.resolveAll(
            new GrpcCallInfo(
              { service: V1, method: 'ResolveAll', connections: this.options.connections },
              call,
            ),
            call.request,
          ),
          callback,
        )) as never,
      resolveBoolean: r('boolean'),
      resolveString: r('string'),
      resolveFloat: r('float'),
      resolveInt: r('int'),
      resolveObject: r('object'),
      eventStream: this.eventStream(V1),
    };
  }

  v2(): ServiceImplementation<typeof EvaluationV2ServiceDefinition> {
    const r = (kind: ResolveKind) => this.resolve(2, kind) as never;
    return {
      resolveBoolean: r('boolean'),
      resolveString: r('string'),
      resolveFloat: r('float'),
      resolveInt: r('int'),
      resolveObject: r('object'),
      eventStream: this.eventStream(V2),
    };
  }
}
