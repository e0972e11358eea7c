// The daemon's only doorway to the flag engine (@switchyard/core): everything the daemon uses
// from core is re-exported here, so the engine seam is visible in one place and a change of
// core's API is met in one file. biome.json forbids importing @switchyard/core anywhere else in
// packages/daemon/src (the gitops commands have their own doorway, gitops/engine.ts).
export type {
  Diagnostic,
  ErrorCode,
  EvaluateOptions,
  EvaluationContext,
  EvaluationResult,
  FlagConfiguration,
  FlagDefinition,
  FlagMetadata,
  FlagSnapshot,
  JsonObject,
  JsonValue,
} from '@switchyard/core';
export {
  createSnapshot,
  evaluate,
  evaluateAll,
  evaluateAny,
  formatDiagnostic,
  parseFlags,
} from '@switchyard/core';
