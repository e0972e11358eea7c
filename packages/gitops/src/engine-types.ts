// The @switchyard/core types the gitops commands use, in one place.
export type {
  Diagnostic,
  EvaluateOptions,
  EvaluationContext,
  EvaluationResult,
  ExplainTrace,
  FlagConfiguration,
  FlagDefinition,
  FlagMetadata,
  FlagSnapshot,
  JsonValue,
  ParseOptions,
  ParseResult,
  TraceNode,
} from '@switchyard/core';
import type { EvaluationResult, JsonValue } from '@switchyard/core';

/** An untyped evaluation result, as `evaluateAny` and `explain` return it. */
export type AnyResult = EvaluationResult<JsonValue | undefined>;
