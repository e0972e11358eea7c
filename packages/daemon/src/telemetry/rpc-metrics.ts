// The OpenTelemetry RPC server metrics flagd records through otelgrpc and otelconnect
// (https://flagd.dev/reference/monitoring/#standard-rpc-metrics): rpc.server.duration (ms),
// rpc.server.request.size and rpc.server.response.size (bytes, the messages of a call summed),
// rpc.server.requests_per_rpc and rpc.server.responses_per_rpc, with rpc.system, rpc.service,
// rpc.method and rpc.grpc.status_code, aggregated in place (request-metrics.ts). Two hooks:
// - the sync port: a grpc-js server interceptor. A server interceptor sees messages decoded and
//   encodes nothing itself, so sizes are measured with the method's own serializers (the sync
//   requests are a few bytes; FetchAllFlags and GetMetadata answers are encoded once more); the
//   shared frames of SyncFlags go straight to the HTTP/2 stream (grpc-frames.ts) and are counted
//   by their size.
// - the evaluation port: a CallInterceptor of the evaluation service, so gRPC, gRPC-Web and
//   Connect calls are measured alike (rpc.system `grpc`, `grpc_web`, `connect_rpc`, as
//   otelconnect names them); the duration is the service's work on the call; the sizes are the
//   ones the transport knows without encoding anything again (CallInfo.requestBytes and
//   responseBytes: gRPC's protobuf bytes, the Connect fast path's JSON bytes).
import { performance } from 'node:perf_hooks';
import { ServerInterceptingCall, status } from '@grpc/grpc-js';
import type { ServerInterceptor } from '@grpc/grpc-js';
import { observeFrames } from '../grpc-frames.js';
import type { RpcInstruments } from '../metrics.js';
import type { CallInterceptor, Protocol } from '../remote/call.js';

interface RpcCall {
  readonly system: string;
  readonly service: string;
  readonly method: string;
}

/** Records one finished call in the cells of its attribute set. */
function record(
  instruments: RpcInstruments,
  call: RpcCall,
  outcome: {
    readonly code: number;
    readonly ms: number;
    readonly received: number;
    readonly sent: number;
    readonly requestBytes: number | undefined;
    readonly bytes: number | undefined;
  },
): void {
  const key = `${call.system} ${call.service} ${call.method} ${outcome.code}`;
  const attributes = () => ({
    'rpc.system': call.system,
    'rpc.service': call.service,
    'rpc.method': call.method,
    'rpc.grpc.status_code': outcome.code,
  });
  instruments.duration.cell(key, attributes)?.record(outcome.ms);
  instruments.requestsPerRpc.cell(key, attributes)?.record(outcome.received);
  instruments.responsesPerRpc.cell(key, attributes)?.record(outcome.sent);
  if (outcome.requestBytes !== undefined)
    instruments.requestSize.cell(key, attributes)?.record(outcome.requestBytes);
  if (outcome.bytes !== undefined)
    instruments.responseSize.cell(key, attributes)?.record(outcome.bytes);
}

/** A service's request serializers by method path (grpc-js definitions carry them). */
export type RequestSerializers = ReadonlyMap<string, (message: never) => Buffer>;

/** The request serializers of grpc-js service definitions. */
export function requestSerializers(...definitions: object[]): RequestSerializers {
  const serializers = new Map<string, (message: never) => Buffer>();
  for (const definition of definitions) {
    for (const method of Object.values(definition) as {
      path: string;
      requestSerialize: (message: never) => Buffer;
    }[])
      serializers.set(method.path, method.requestSerialize);
  }
  return serializers;
}

function sizeOf(serialize: (value: never) => Buffer, message: unknown): number {
  try {
    return serialize(message as never).length;
  } catch {
    return 0;
  }
}

/** rpc.server.* of every call on a grpc-js server (the sync port). */
export function rpcMetricsInterceptor(
  instruments: RpcInstruments,
  /** The served methods' request serializers (rpc.server.request.size); none: not recorded. */
  serializers: RequestSerializers = new Map(),
): ServerInterceptor {
  return (method, call) => {
    const serializeRequest = serializers.get(method.path);
    const slash = method.path.lastIndexOf('/');
    const rpc: RpcCall = {
      system: 'grpc',
      service: method.path.slice(1, slash),
      method: method.path.slice(slash + 1),
    };
    const started = performance.now();
    let received = 0;
    let requestBytes = 0;
    let sent = 0;
    let bytes = 0;
    let recorded = false;
    const finish = (code: number) => {
      if (recorded) return;
      recorded = true;
      record(instruments, rpc, {
        code,
        ms: performance.now() - started,
        received,
        sent,
        requestBytes: serializeRequest ? requestBytes : undefined,
        bytes,
      });
    };
    const intercepting = new ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMessage: (message, forward) => {
            received++;
            if (serializeRequest) requestBytes += sizeOf(serializeRequest, message);
            forward(message);
          },
          // A client that goes away gets no status: the call ends CANCELLED.
          onCancel: () => finish(status.CANCELLED),
        }),
      sendMessage: (message, next) => {
        sent++;
        bytes += sizeOf(method.responseSerialize, message);
        next(message);
      },
      sendStatus: (outcome, next) => {
        finish(outcome.code ?? status.OK);
        next(outcome);
      },
    });
    // Shared frames (SyncFlags payloads, EventStream events) bypass sendMessage: counted here.
    return observeFrames(intercepting, (size) => {
      sent++;
      bytes += size;
    });
  };
}

/** otelconnect's rpc.system of each protocol (connectrpc/otelconnect-go v0.7: otelconnect.go). */
export const RPC_SYSTEM: Readonly<Record<Protocol, string>> = {
  grpc: 'grpc',
  'grpc-web': 'grpc_web',
  connect: 'connect_rpc',
};

/** rpc.server.* of every call the evaluation service answers, whatever the protocol. */
export function rpcCallMetrics(instruments: RpcInstruments): CallInterceptor {
  return (call, next) => {
    const started = performance.now();
    const outcome = next();
    record(
      instruments,
      { system: RPC_SYSTEM[call.protocol], service: call.service, method: call.method },
      {
        code: outcome.ok ? status.OK : outcome.failure.code,
        ms: performance.now() - started,
        received: 1,
        sent: outcome.ok ? 1 : 0,
        requestBytes: call.requestBytes,
        bytes: outcome.ok ? call.responseBytes?.(outcome.value) : undefined,
      },
    );
    return outcome;
  };
}
