// The five typed resolvers of flagd.evaluation and how a core result becomes their response
// (https://flagd.dev/reference/specifications/protos/, open-feature/flagd:
// flagd/pkg/service/flag-evaluation/flag_evaluator.go): v2 leaves value and variant unset when the caller's
// code default applies; v1 has flagd's quirks (code default → FLAG_NOT_FOUND, DISABLED → the
// zero value with an empty variant).
import { evaluationV1, evaluationV2 } from '@switchyard/protocol';
import { evaluate } from '../engine.js';
import type {
  EvaluateOptions,
  EvaluationContext,
  EvaluationResult,
  FlagMetadata,
  JsonObject,
  JsonValue,
} from '../engine.js';
import type { FlagView } from '../store/view.js';
import { reflection, resultCache } from './view-caches.js';

export type ResolveKind = 'boolean' | 'string' | 'float' | 'int' | 'object';

type Schema = { readonly typeName: string };

interface KindSpec {
  readonly core: 'boolean' | 'string' | 'number' | 'object';
  readonly v1: Schema;
  readonly v2: Schema;
  /** The proto3 zero value v1 sends when there is no value. */
  readonly zero: unknown;
  readonly wire: (value: JsonValue) => unknown;
}

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

/** flagd's ResolveInt: resolve as a float64 and truncate toward zero (json.go). */
export function toInt64(value: number): bigint {
  if (!Number.isFinite(value)) return value > 0 ? INT64_MAX : value < 0 ? INT64_MIN : 0n;
  const n = BigInt(Math.trunc(value));
  return n > INT64_MAX ? INT64_MAX : n < INT64_MIN ? INT64_MIN : n;
}

export const KINDS: Readonly<Record<ResolveKind, KindSpec>> = {
  boolean: {
    core: 'boolean',
    v1: evaluationV1.ResolveBooleanResponseSchema,
    v2: evaluationV2.ResolveBooleanResponseSchema,
    zero: false,
    wire: (v) => v,
  },
  string: {
    core: 'string',
    v1: evaluationV1.ResolveStringResponseSchema,
    v2: evaluationV2.ResolveStringResponseSchema,
    zero: '',
    wire: (v) => v,
  },
  float: {
    core: 'number',
    v1: evaluationV1.ResolveFloatResponseSchema,
    v2: evaluationV2.ResolveFloatResponseSchema,
    zero: 0,
    wire: (v) => v,
  },
  int: {
    core: 'number',
    v1: evaluationV1.ResolveIntResponseSchema,
    v2: evaluationV2.ResolveIntResponseSchema,
    zero: 0n,
    wire: (v) => toInt64(v as number),
  },
  object: {
    core: 'object',
    v1: evaluationV1.ResolveObjectResponseSchema,
    v2: evaluationV2.ResolveObjectResponseSchema,
    zero: {},
    wire: (v) => v,
  },
};

export interface ResolveRequest {
  readonly kind: ResolveKind;
  readonly flagKey: string;
  readonly context: EvaluationContext | undefined;
  readonly options: EvaluateOptions;
}

/**
 * Evaluates one flag for a typed resolver. ResolveObject answers a google.protobuf.Struct, so
 * an array or null variant is a TYPE_MISMATCH there (flagd's `.(map[string]any)` assertion).
 */
export function resolveKind(
  view: FlagView,
  { kind, flagKey, context, options }: ResolveRequest,
): EvaluationResult<JsonValue | undefined> {
  const spec = KINDS[kind];
  const result = evaluate<JsonValue | undefined>(
    view.snapshot,
    { flagKey, type: spec.core, defaultValue: undefined, context },
    options,
  );
  if (
    kind === 'object' &&
    result.errorCode === undefined &&
    result.variant !== undefined &&
    (result.value === null || Array.isArray(result.value))
  ) {
    return {
      value: undefined,
      reason: 'ERROR',
      errorCode: 'TYPE_MISMATCH',
      errorMessage: `flag "${flagKey}" has an array or null value, not an object`,
      flagMetadata: result.flagMetadata,
    };
  }
  return result;
}

const MERGED_METADATA = resultCache<JsonObject>('remote:metadata');

/** Flag metadata with flagd's selector reflection under it (the flag's own keys win). */
export function responseMetadata(view: FlagView, metadata: FlagMetadata): JsonObject {
  const reflected = reflection(view);
  if (Object.keys(reflected).length === 0) return metadata as JsonObject;
  const cache = view.cached(MERGED_METADATA);
  let merged = cache.get(metadata);
  if (merged === undefined) {
    merged = Object.freeze({ ...reflected, ...metadata }) as JsonObject;
    cache.set(metadata, merged);
  }
  return merged;
}

/** The code-default case: the caller keeps its default (no variant). */
export function usesCodeDefault(result: EvaluationResult<unknown>): boolean {
  return (
    result.variant === undefined && (result.reason === 'DEFAULT' || result.reason === 'DISABLED')
  );
}

export interface ResolvedResult {
  readonly version: 1 | 2;
  readonly kind: ResolveKind;
  readonly result: EvaluationResult<JsonValue | undefined>;
}

/** A Resolve*Response message of any kind and version (protobuf-es shape, `$typeName` set). */
export type ResponseMessage = Readonly<Record<string, unknown>> & { readonly $typeName: string };

/** A Resolve*Response message for a successful result, or `undefined` for v1's not-found quirk. */
export function responseMessage(
  view: FlagView,
  { version, kind, result }: ResolvedResult,
): ResponseMessage | undefined {
  const spec = KINDS[kind];
  const schema = version === 1 ? spec.v1 : spec.v2;
  const metadata = responseMetadata(view, result.flagMetadata);
  if (usesCodeDefault(result)) {
    if (version === 2) return { $typeName: schema.typeName, reason: result.reason, metadata };
    // v1: no default variant is FLAG_NOT_FOUND; DISABLED answers the zero value.
    if (result.reason === 'DEFAULT') return undefined;
    return {
      $typeName: schema.typeName,
      value: spec.zero,
      reason: result.reason,
      variant: '',
      metadata,
    };
  }
  return {
    $typeName: schema.typeName,
    value: spec.wire(result.value as JsonValue),
    reason: result.reason,
    variant: result.variant ?? '',
    metadata,
  };
}
