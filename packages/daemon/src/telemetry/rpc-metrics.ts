// The OpenTelemetry RPC server metrics flagd's gRPC servers record through otelgrpc
// (https://flagd.dev/reference/monitoring/#standard-rpc-metrics): rpc.server.duration (ms),
// rpc.server.request.size and rpc.server.response.size (bytes), rpc.server.requests_per_rpc and
// rpc.server.responses_per_rpc, with rpc.system, rpc.service, rpc.method and
// rpc.grpc.status_code. A grpc-js server interceptor, so the handlers stay as they are. Response
// sizes are measured with the method's own serializer: pre-encoded sync payloads cost nothing,
// other answers (FetchAllFlags, GetMetadata) are encoded once more. A server interceptor only sees
// requests decoded, so rpc.server.request.size is not recorded on grpc-js servers.
import { performance } from 'node:perf_hooks';
import { ServerInterceptingCall, status } from '@grpc/grpc-js';
import type { ServerInterceptor } from '@grpc/grpc-js';
import type { RpcInstruments } from '../metrics.js';

function sizeOf(serialize: (value: never) => Buffer, message: unknown): number | undefined {
  try {
    return serialize(message as never).length;
  } catch {
    return undefined;
  }
}

export function rpcMetricsInterceptor(instruments: RpcInstruments): ServerInterceptor {
  return (method, call) => {
    const slash = method.path.lastIndexOf('/');
    const base = {
      'rpc.system': 'grpc',
      'rpc.service': method.path.slice(1, slash),
      'rpc.method': method.path.slice(slash + 1),
    };
    const started = performance.now();
    let received = 0;
    let sent = 0;
    let recorded = false;
    const record = (code: number) => {
      if (recorded) return;
      recorded = true;
      const attributes = { ...base, 'rpc.grpc.status_code': code };
      instruments.duration.record(performance.now() - started, attributes);
      instruments.requestsPerRpc.record(received, attributes);
      instruments.responsesPerRpc.record(sent, attributes);
    };
    return new ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMessage: (message, forward) => {
            received++;
            forward(message);
          },
          // A client that goes away gets no status: the call ends CANCELLED.
          onCancel: () => record(status.CANCELLED),
        }),
      sendMessage: (message, next) => {
        sent++;
        const size = sizeOf(method.responseSerialize, message);
        if (size !== undefined) instruments.responseSize.record(size, base);
        next(message);
      },
      sendStatus: (sent, next) => {
        record(sent.code ?? status.OK);
        next(sent);
      },
    });
  };
}
