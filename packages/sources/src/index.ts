// @switchyard/sources: every flag source behind one seam (FlagSource → SourceUpdate), the
// scheme table that builds them from flagd's `--uri`/`--sources`, and the payload wrapper
// remote sources share.
export { SOURCE_PROBLEM_CODES } from './flag-source.js';
export type {
  FlagSource,
  SourceListener,
  SourceProblem,
  SourceProblemCode,
  SourceUpdate,
} from './flag-source.js';
export type { SourceConfig, SourceContext, SourceScheme, SourceSpec } from './scheme.js';
export {
  SCHEMES,
  createSource,
  providerOfUri,
  resolveSource,
  resolveSources,
} from './scheme-table.js';
export { FILE_SOURCE_DEFAULTS, FileSource } from './file/file-source.js';
export type { FileSourceOptions, FileSourceSpec } from './file/file-source.js';
export { createPayloadSource } from './payload-source.js';
export type {
  PayloadFeed,
  PayloadSink,
  PayloadSourceOptions,
  SourcePayload,
} from './payload-source.js';
export { parseDocument } from './parse-document.js';
export type { DocumentOrigin, ParsedDocument, SourceParseOptions } from './parse-document.js';
