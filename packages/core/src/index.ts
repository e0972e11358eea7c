export type {
  Diagnostic,
  ErrorCode,
  EvaluateOptions,
  EvaluationContext,
  EvaluationContextValue,
  EvaluationResult,
  ExplainTrace,
  FlagChanges,
  FlagConfiguration,
  FlagDefinition,
  FlagMetadata,
  FlagSnapshot,
  FlagState,
  FlagValueType,
  JsonObject,
  JsonPrimitive,
  JsonValue,
  Limits,
  ParseOptions,
  ParseResult,
  Reason,
  TraceNode,
} from './types.js';
export { DEFAULT_LIMITS } from './targeting/types.js';
export { formatDiagnostic } from './diagnostics.js';
export { SwitchyardError } from './errors/switchyard-error.js';
export {
  ERROR_CODES,
  GrpcStatus,
  errorCodeInfo,
  type ErrorCodeInfo,
  type SwitchyardErrorCode,
} from './errors/error-codes.js';
export { ConfigurationError } from './errors/configuration-error.js';
export { UsageError } from './errors/usage-error.js';
export { UnsupportedSourceError } from './errors/unsupported-source-error.js';
export { parseFlags } from './parse/parse-flags.js';
export { createSnapshot } from './snapshot.js';
export { evaluate, evaluateAll, evaluateAny } from './evaluate.js';
export { explain } from './explain.js';
export { createEvaluator, type Evaluator, type EvaluatorOptions } from './evaluator.js';
export { UsageCounter, REASONS } from './usage/usage-counter.js';
export type { CountedFlag, UsageCounterLimits } from './usage/usage-counter.js';
export {
  EvaluationMetrics,
  IMPRESSION_METRIC,
  RESULT_REASON_METRIC,
} from './usage/evaluation-metrics.js';
export type {
  BatchResultLike,
  CountedResult,
  EvaluationMetricsOptions,
  MeterLike,
  ObservableLike,
} from './usage/evaluation-metrics.js';
