// The one implementation of flagd.evaluation.v1.Service and flagd.evaluation.v2.Service
// (https://flagd.dev/reference/specifications/protos/, open-feature/flagd:
// flagd/pkg/service/flag-evaluation), behind every protocol of the evaluation port: gRPC
// (grpc-handlers.ts) and Connect / gRPC-Web (connect-handlers.ts) only translate calls and
// outcomes. Every call reads the `flagd-selector` header, checks the request's context against
// the context limits (context-limits.ts; a transport may hand over a context its decoder already
// refused), merges the context the one way (context.ts), evaluates with @switchyard/core against the selector's view of the current
// generation and answers flagd's shapes and status codes. Responses of snapshot-level results
// (STATIC, and TARGETING_MATCH of a variant) are encoded once per view and transport.
import { SELECTOR_METADATA_KEY, type evaluationV1 } from '@switchyard/protocol';
import { refused } from '../auth/access-policy.js';
import type { AccessPolicy } from '../auth/access-policy.js';
import { ERROR_CODES, evaluateAll } from '../engine.js';
import type { EvaluateOptions, JsonObject } from '../engine.js';
import { InvalidSelectorError } from '../errors/invalid-selector-error.js';
import type { CacheSlot } from '../store/cache-slot.js';
import { parseSelector } from '../store/selector.js';
import type { Selector } from '../store/selector.js';
import type { FlagView } from '../store/view.js';
import { failed, intercept, ok } from './call.js';
import type { CallInfo, CallInterceptor, Outcome } from './call.js';
import { DEFAULT_CONTEXT_LIMITS, contextFromJson, isContextError } from './context-limits.js';
import type { ContextError, ContextLimits } from './context-limits.js';
import type { ContextMerger, HeaderReader } from './context.js';
import { KINDS, resolveKind, responseMessage } from './resolve-kinds.js';
import type { ResolveKind, ResponseMessage } from './resolve-kinds.js';
import { STATUS, evaluationFailure } from './status.js';
import type { CallFailure, StatusCode } from './status.js';
import { reflection } from './view-caches.js';
import type { EvaluationTelemetry } from '../telemetry/evaluation-telemetry.js';
import { RPC_SYSTEM } from '../telemetry/rpc-metrics.js';
import type { EvaluationSpans, RpcSpan, Tracing } from '../telemetry/tracing.js';

/** flagd's span name of a method: `ResolveBoolean` → `resolveBoolean`. */
const spanName = (method: string) => `${method[0]?.toLowerCase() ?? ''}${method.slice(1)}`;
/** flagd's tracer name of a service: `flagd.evaluation.v1.Service` → `flagd.evaluation.v1`. */
const scopeOf = (service: string) => service.replace(/\.Service$/, '');

const STATUS_NAME = new Map<number, string>(
  Object.entries(STATUS).map(([name, code]) => [code, name]),
);

/** Ends the spans of a call refused before it was evaluated (selector, authentication). */
function endRefused<T>(spans: EvaluationSpans, flagKey: string | undefined, outcome: Outcome<T>) {
  spans.end(
    flagKey,
    outcome.ok
      ? undefined
      : {
          errorCode: STATUS_NAME.get(outcome.failure.code) ?? String(outcome.failure.code),
          errorMessage: outcome.failure.message,
        },
  );
}

export interface EvaluationServiceOptions {
  /** The selector's view of the current generation. */
  readonly view: (selector: Selector) => FlagView;
  readonly context: ContextMerger;
  /** Around every call of every protocol (tracing, metrics). */
  readonly interceptors?: readonly CallInterceptor[];
  /** --auth-config: who may read which flags (undefined: everyone reads everything). */
  readonly access?: AccessPolicy | undefined;
  /** `--max-context-depth`, `--max-context-keys` (default DEFAULT_CONTEXT_LIMITS). */
  readonly contextLimits?: ContextLimits;
  /** Clock for `$flagd.timestamp` (tests). */
  readonly evaluate?: EvaluateOptions;
  /** Counts every evaluation; with tracing, flagd's spans around every Resolve call. */
  readonly telemetry?: EvaluationTelemetry | undefined;
}

/** A request's context: JSON, or why a transport's decoder refused it. */
export type RequestContext = JsonObject | ContextError | undefined;

export interface ResolveRequest {
  readonly flagKey: string;
  readonly context?: RequestContext;
  /** The encoded request's size (gRPC), for rpc.server.request.size. */
  readonly bytes?: number;
}

/** How a transport wants a response: its encoding, cached per view for shared results. */
export interface ResponseEncoding<T> {
  readonly cache: CacheSlot<FlagView, Map<object, T>>;
  encode(message: ResponseMessage, schema: { readonly typeName: string }): T;
}

/** The `flagd-selector` header as a selector, or INVALID_ARGUMENT. */
export function selectorOf(header: HeaderReader): Outcome<Selector> {
  try {
    return ok(parseSelector(header(SELECTOR_METADATA_KEY)));
  } catch (error) {
    if (!(error instanceof InvalidSelectorError)) throw error;
    return failed({ code: STATUS.INVALID_ARGUMENT, message: error.message });
  }
}

export class EvaluationService {
  private readonly options: EvaluationServiceOptions;
  private readonly evaluateOptions: EvaluateOptions;
  private readonly interceptors: readonly CallInterceptor[];
  private readonly contextLimits: ContextLimits;
  private readonly tracing: Tracing | undefined;

  constructor(options: EvaluationServiceOptions) {
    this.options = options;
    this.evaluateOptions = options.evaluate ?? {};
    this.interceptors = options.interceptors ?? [];
    this.contextLimits = options.contextLimits ?? DEFAULT_CONTEXT_LIMITS;
    this.tracing = options.telemetry?.tracing;
  }

  /** The request context within the limits, or INVALID_ARGUMENT (ERROR_CODES). */
  private checked(context: RequestContext): Outcome<JsonObject | undefined> {
    const result = isContextError(context) ? context : contextFromJson(context, this.contextLimits);
    if (!isContextError(result)) return ok(result);
    return failed({
      code: ERROR_CODES[result.code].grpcStatus as StatusCode,
      message: result.message,
    });
  }

  /** `run` inside flagd's server and evaluator spans (when traces are exported). */
  private traced<T>(
    call: CallInfo,
    flagKey: string | undefined,
    run: (spans: EvaluationSpans | undefined) => Outcome<T>,
  ): Outcome<T> {
    if (this.tracing === undefined) return run(undefined);
    const name = spanName(call.method);
    const spans = this.tracing.evaluation({
      scope: scopeOf(call.service),
      name,
      evaluator: name,
      headers: call.header,
      attributes: { 'rpc.system': call.protocol, 'rpc.method': call.method },
    });
    const outcome = spans.run(() => run(spans));
    endRefused(spans, flagKey, outcome);
    return outcome;
  }

  /**
   * The selector a call is served: its `flagd-selector` as --auth-config allows it (the one
   * decision, auth/access-policy.ts), or INVALID_ARGUMENT, UNAUTHENTICATED, PERMISSION_DENIED.
   * Every protocol's calls and streams go through here.
   */
  served(call: CallInfo): Outcome<Selector> {
    const access = this.options.access;
    const requested = selectorOf(call.header);
    if (access === undefined) return requested;
    const credentials = {
      authorization: call.header('authorization'),
      connection: call.connection,
      subject: () => call.certificate?.(),
    };
    const decision = requested.ok
      ? access.authorize(credentials, requested.value, 'evaluation')
      : access.authenticate(credentials, 'evaluation');
    if (refused(decision)) {
      return failed({
        code: ERROR_CODES[decision.code].grpcStatus as StatusCode,
        message: decision.message,
      });
    }
    return 'selector' in decision ? ok(decision.selector) : requested;
  }

  /** For an open stream served `selector`: undefined while it may go on, else why it ends. */
  stillServed(call: CallInfo, selector: Selector): CallFailure | undefined {
    const now = this.served(call);
    if (!now.ok) return now.failure;
    if (now.value.key === selector.key) return undefined;
    return { code: STATUS.UNAVAILABLE, message: 'what this client may read changed; reconnect' };
  }

  /**
   * An EventStream's server span (when traces are exported), ended by the transport when the
   * stream ends: flagd's Connect interceptor makes one for every stream.
   */
  streamSpan(call: CallInfo): RpcSpan | undefined {
    return this.tracing?.rpcServer({
      system: RPC_SYSTEM[call.protocol],
      service: call.service,
      method: call.method,
      headers: call.header,
    });
  }

  /** Runs `run` inside the interceptors (transports call this for streams too). */
  around<T>(call: CallInfo, run: () => Outcome<T>): Outcome<T> {
    return intercept(this.interceptors, call, run);
  }

  /** A typed Resolve* call of `version`, answered in the transport's `encoding`. */
  resolve<T>(
    call: CallInfo,
    spec: { readonly version: 1 | 2; readonly kind: ResolveKind; readonly request: ResolveRequest },
    encoding: ResponseEncoding<T>,
  ): Outcome<T> {
    return this.traced(call, spec.request.flagKey, (spans) =>
      this.around(call, () => this.resolveNow(call, spec, { encoding, spans })),
    );
  }

  private resolveNow<T>(
    call: CallInfo,
    { version, kind, request }: { version: 1 | 2; kind: ResolveKind; request: ResolveRequest },
    { encoding, spans }: { encoding: ResponseEncoding<T>; spans: EvaluationSpans | undefined },
  ): Outcome<T> {
    const selector = this.served(call);
    if (!selector.ok) return selector;
    const checked = this.checked(request.context);
    if (!checked.ok) return checked;
    const view = this.options.view(selector.value);
    const context = this.options.context.merge(checked.value, call.header);
    const result = resolveKind(view, {
      kind,
      flagKey: request.flagKey,
      context,
      options: this.evaluateOptions,
    });
    this.options.telemetry?.evaluations?.record(request.flagKey, result);
    spans?.end(request.flagKey, result);
    if (result.errorCode !== undefined) {
      return failed(evaluationFailure(result.errorCode, result.errorMessage));
    }
    // Snapshot-level results are frozen and shared: their encoded response is reusable.
    const cache = Object.isFrozen(result) ? view.cached(encoding.cache) : undefined;
    const cached = cache?.get(result);
    if (cached !== undefined) return ok(cached);
    const message = responseMessage(view, { version, kind, result });
    if (message === undefined) {
      return failed(
        evaluationFailure(
          'FLAG_NOT_FOUND',
          `flag "${request.flagKey}" has no default variant (flagd.evaluation.v1 reports this as not found)`,
        ),
      );
    }
    const schemaOf = KINDS[kind];
    const encoded = encoding.encode(message, version === 1 ? schemaOf.v1 : schemaOf.v2);
    cache?.set(result, encoded);
    return ok(encoded);
  }

  /** v1 ResolveAll: flags with a value only (flagd skips code-default, disabled and errored flags). */
  resolveAll(
    call: CallInfo,
    request: { readonly context?: RequestContext },
  ): Outcome<evaluationV1.ResolveAllResponse> {
    return this.traced(call, undefined, () =>
      this.around(call, () => {
        const selector = this.served(call);
        if (!selector.ok) return selector;
        const checked = this.checked(request.context);
        if (!checked.ok) return checked;
        const view = this.options.view(selector.value);
        const context = this.options.context.merge(checked.value, call.header);
        const results = evaluateAll(view.snapshot, context, this.evaluateOptions);
        const evaluations = this.options.telemetry?.evaluations;
        if (evaluations !== undefined) for (const [key, r] of results) evaluations.record(key, r);
        return ok(resolveAllResponse(view, results));
      }),
    );
  }
}

function anyFlagValue(value: unknown): evaluationV1.AnyFlag['value'] | undefined {
  switch (typeof value) {
    case 'boolean':
      return { case: 'boolValue', value };
    case 'string':
      return { case: 'stringValue', value };
    case 'number':
      return { case: 'doubleValue', value };
    case 'object':
      return value !== null && !Array.isArray(value)
        ? { case: 'objectValue', value: value as JsonObject }
        : undefined;
    default:
      return undefined;
  }
}

export function resolveAllResponse(
  view: FlagView,
  results: ReturnType<typeof evaluateAll>,
): evaluationV1.ResolveAllResponse {
  const flags: Record<string, evaluationV1.AnyFlag> = {};
  for (const [key, result] of results) {
    if (result.errorCode !== undefined || result.variant === undefined) continue;
    const value = anyFlagValue(result.value);
    if (value === undefined) continue;
    flags[key] = {
      $typeName: 'flagd.evaluation.v1.AnyFlag',
      reason: result.reason,
      variant: result.variant,
      value,
      metadata: result.flagMetadata as JsonObject,
    };
  }
  return {
    $typeName: 'flagd.evaluation.v1.ResolveAllResponse',
    flags,
    metadata: reflection(view) as JsonObject,
  };
}
