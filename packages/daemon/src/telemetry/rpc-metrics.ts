// The OpenTelemetry RPC server metrics flagd records through otelgrpc and otelconnect
// (https://flagd.dev/reference/monitoring/#standard-rpc-metrics): rpc.server.duration (ms),
// rpc.server.response.size (bytes), rpc.server.requests_per_rpc and rpc.server.responses_per_rpc,
// with rpc.system, rpc.service, rpc.method and rpc.grpc.status_code, aggregated in place
// (request-metrics.ts). Two hooks:
// - the sync port: a grpc-js server interceptor. Response sizes are measured with the method's
//   own serializer (FetchAllFlags and GetMetadata answers are encoded once more); the shared frames
//   of SyncFlags go straight to the HTTP/2 stream (grpc-frames.ts) and are counted by their size. A server interceptor only sees decoded requests, so
//   rpc.server.request.size is not recorded.
// - the evaluation port: a CallInterceptor of the evaluation service, so gRPC, gRPC-Web and
//   Connect calls are measured alike (rpc.system `grpc`, `grpc_web`, `connect_rpc`, as
//   otelconnect names them); the duration is the service's work on the call.
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
  if (outcome.bytes !== undefined)
    instruments.responseSize.cell(key, attributes)?.record(outcome.bytes);
}

function sizeOf(serialize: (value: never) => Buffer, message: unknown): number {
  try {
    return serialize(message as never).length;
  } catch {
    return 0;
  }
}

/** rpc.server.* of every call on a grpc-js server (the sync port). */
export function rpcMetricsInterceptor(instruments: RpcInstruments): ServerInterceptor {
  return (method, call) => {
    const slash = method.path.lastIndexOf('/');
    const rpc: RpcCall = {
      system: 'grpc',
      service: method.path.slice(1, slash),
      method: method.path.slice(slash + 1),
    };
    const started = performance.now();
    let received = 0;
    let sent = 0;
    let bytes = 0;
    let recorded = false;
    const finish = (code: number) => {
      if (recorded) return;
      recorded = true;
      record(instruments, rpc, { code, ms: performance.now() - started, received, sent, bytes });
    };
    const intercepting = new ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMessage: (message, forward) => {
            received++;
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

const SYSTEM: Readonly<Record<Protocol, string>> = {
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
      { system: SYSTEM[call.protocol], service: call.service, method: call.method },
      {
        code: outcome.ok ? status.OK : outcome.failure.code,
        ms: performance.now() - started,
        received: 1,
        sent: outcome.ok ? 1 : 0,
        bytes: undefined,
      },
    );
    return outcome;
  };
}
