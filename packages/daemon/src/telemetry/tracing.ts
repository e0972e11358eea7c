// The daemon's spans, named as flagd names them (https://flagd.dev/reference/monitoring/#traces,
// open-feature/flagd:flagd/pkg/service/flag-evaluation/flag_evaluator_v1.go,
// core/pkg/evaluator/json.go): a remote evaluation is a SERVER span `resolveBoolean` (scope
// `flagd.evaluation.v1` or `.v2`; OFREP: `flagd.ofrep` in `flagd.ofrep.v1`) around an INTERNAL
// span `resolveBoolean` of scope `jsonEvaluator`, with the feature_flag.* attributes of the
// result. The parent comes from the request's W3C `traceparent`/`tracestate`.
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import type { Context, Span, TextMapGetter, Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { TracerProvider } from '@opentelemetry/sdk-trace';
import { VERSION } from '../version.js';

/** Reads one request header (lower-case name), whatever the transport. */
export type HeaderReader = (name: string) => string | undefined;

const GETTER: TextMapGetter<HeaderReader> = {
  get: (read, key) => read(key),
  keys: () => ['traceparent', 'tracestate'],
};

/** What an evaluation answered, for its span. */
export interface TracedResult {
  readonly variant?: string | undefined;
  readonly reason?: string | undefined;
  readonly errorCode?: string | undefined;
  readonly errorMessage?: string | undefined;
}

export interface EvaluationSpanInit {
  /** Instrumentation scope of the server span: `flagd.evaluation.v1`, `flagd.ofrep.v1`, ... */
  readonly scope: string;
  /** Server span name: `resolveBoolean`, `flagd.ofrep`, ... */
  readonly name: string;
  /** The evaluator's span name: `resolveBoolean`, `resolveAnyValue`, `resolveAll`. */
  readonly evaluator: string;
  readonly headers: HeaderReader;
  readonly attributes?: Readonly<Record<string, string>>;
}

/** A server span with its evaluator child; `end` records the result on both. */
export interface EvaluationSpans {
  /** The server span's context: logs written inside `run` carry its ids. */
  run<T>(fn: () => T): T;
  /** Ends both spans (the first call only; later ones are ignored). */
  end(flagKey: string | undefined, result: TracedResult | undefined): void;
}

/** An RPC's server span, as otelconnect makes it (EventStream). */
export interface RpcSpan {
  /** Ends the span with the call's status: none (OK) or its failure. */
  end(failure?: { readonly code: number; readonly message: string }): void;
}

export interface RpcSpanInit {
  /** `grpc`, `grpc_web` or `connect_rpc` (otelconnect's names of the protocols). */
  readonly system: string;
  readonly service: string;
  readonly method: string;
  readonly headers: HeaderReader;
}

/** otelconnect's instrumentation scope (connectrpc/otelconnect-go: otelconnect.go). */
const OTELCONNECT = 'connectrpc.com/otelconnect';

/** Connect's code names (https://connectrpc.com/docs/protocol/#error-codes), by gRPC code. */
const CONNECT_CODES = [
  'ok',
  'canceled',
  'unknown',
  'invalid_argument',
  'deadline_exceeded',
  'not_found',
  'already_exists',
  'permission_denied',
  'resource_exhausted',
  'failed_precondition',
  'aborted',
  'out_of_range',
  'unimplemented',
  'internal',
  'unavailable',
  'data_loss',
  'unauthenticated',
];

/** The codes a server span reports as an error (otelconnect's serverSpanStatus). */
const SERVER_ERRORS = new Set([2, 4, 12, 13, 14, 15]);

export class Tracing {
  private readonly tracers = new Map<string, Tracer>();
  private readonly propagator = new W3CTraceContextPropagator();

  constructor(private readonly provider: TracerProvider) {}

  tracer(scope: string): Tracer {
    let tracer = this.tracers.get(scope);
    if (tracer === undefined) {
      tracer = this.provider.getTracer(scope, VERSION);
      this.tracers.set(scope, tracer);
    }
    return tracer;
  }

  /** The remote parent an incoming request names (W3C trace context), or the root. */
  extract(headers: HeaderReader): Context {
    return this.propagator.extract(ROOT_CONTEXT, headers, GETTER);
  }

  /** Starts flagd's pair of spans for one remote evaluation. */
  evaluation(init: EvaluationSpanInit): EvaluationSpans {
    const parent = this.extract(init.headers);
    const server = this.tracer(init.scope).startSpan(
      init.name,
      { kind: SpanKind.SERVER, ...(init.attributes ? { attributes: init.attributes } : {}) },
      parent,
    );
    const active = trace.setSpan(parent, server);
    const evaluator = this.tracer('jsonEvaluator').startSpan(init.evaluator, {}, active);
    let ended = false;
    return {
      run: (fn) => context.with(active, fn),
      end: (flagKey, result) => {
        if (ended) return;
        ended = true;
        // A sampled-out span records nothing: its attributes are not even built.
        if (result !== undefined && server.isRecording()) {
          markResult(server, flagKey, result);
          markResult(evaluator, flagKey, result);
        }
        evaluator.end();
        server.end();
      },
    };
  }

  /**
   * The span flagd's Connect interceptor starts for every call (connectrpc/otelconnect-go:
   * interceptor.go): `<service>/<method>`, SERVER, parented by the caller's trace context, with
   * rpc.system, rpc.service, rpc.method and, when it ends, the status (rpc.grpc.status_code for
   * gRPC and gRPC-Web, rpc.connect_rpc.error_code for a Connect error). Used for EventStream, which lives as
   * long as the stream; unary calls have flagd's own span pair (evaluation()).
   */
  rpcServer(init: RpcSpanInit): RpcSpan {
    const span = this.tracer(OTELCONNECT).startSpan(
      `${init.service}/${init.method}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'rpc.system': init.system,
          'rpc.service': init.service,
          'rpc.method': init.method,
        },
      },
      this.extract(init.headers),
    );
    let ended = false;
    return {
      end: (failure) => {
        if (ended) return;
        ended = true;
        const code = failure?.code ?? 0;
        if (init.system !== 'connect_rpc')
          span.setAttribute(`rpc.${init.system}.status_code`, code);
        else if (code !== 0)
          span.setAttribute('rpc.connect_rpc.error_code', CONNECT_CODES[code] ?? 'unknown');
        if (failure !== undefined && SERVER_ERRORS.has(code))
          span.setStatus({ code: SpanStatusCode.ERROR, message: failure.message });
        span.end();
      },
    };
  }

  /** Flushes spans (tests, shutdown). */
  flush(): Promise<void> {
    return this.provider.forceFlush();
  }
}

function markResult(span: Span, flagKey: string | undefined, result: TracedResult): void {
  if (flagKey !== undefined) span.setAttribute('feature_flag.key', flagKey);
  span.setAttribute('feature_flag.provider.name', 'flagd');
  if (result.variant !== undefined)
    span.setAttribute('feature_flag.result.variant', result.variant);
  if (result.reason !== undefined) span.setAttribute('feature_flag.result.reason', result.reason);
  if (result.errorCode !== undefined) {
    span.setAttribute('error.type', result.errorCode);
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message: result.errorMessage ?? `error evaluating flag with key ${flagKey ?? ''}`,
    });
  }
}
