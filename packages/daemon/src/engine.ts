// The daemon's only doorway to @switchyard/core (the flag engine and the error family): everything
// the daemon uses from core is re-exported here, so the engine seam is visible in one place and a
// change of core's API is met in one file. biome.json forbids importing @switchyard/core anywhere
// else in packages/daemon/src.
export type {
  Diagnostic,
  ErrorCode,
  EvaluateOptions,
  EvaluationContext,
  EvaluationResult,
  ExplainTrace,
  FlagConfiguration,
  FlagDefinition,
  FlagMetadata,
  FlagSnapshot,
  JsonObject,
  JsonValue,
} from '@switchyard/core';
export {
  ERROR_CODES,
  EvaluationMetrics,
  SwitchyardError,
  UnsupportedSourceError,
  UsageError,
  createSnapshot,
  evaluate,
  evaluateAll,
  evaluateAny,
  explain,
  formatDiagnostic,
  parseFlags,
} from '@switchyard/core';
