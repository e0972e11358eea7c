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
// TEMPORARY: core's parser is being written; until `parseFlags` lands in @switchyard/core this
// module serves a minimal flagd-faithful stand-in. Delete engine-fallback.ts when it lands.
export { formatDiagnostic, parseFlags } from './engine-fallback.js';
