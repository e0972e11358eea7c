// The daemon's only doorway to the flag engine (@switchyard/core). Everything the daemon uses
// from core is re-exported here, so the engine seam is visible in one place.
export type {
  Diagnostic,
  FlagConfiguration,
  FlagDefinition,
  FlagMetadata,
  JsonObject,
  JsonValue,
} from '@switchyard/core';
export { formatDiagnostic, parseFlags } from '@switchyard/core';
