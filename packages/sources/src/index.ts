// @switchyard/sources: every flag source behind one seam (FlagSource → SourceUpdate), the
// scheme table that builds them from flagd's `--uri`/`--sources` (files and directories, HTTP
// polling, flagd.sync.v1 streams), the payload wrapper remote sources share, and the sync
// stream feed the provider's in-process resolver uses too (its channel settings and stream retry
// also pace the provider's RPC-mode EventStream).
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
export { GRPC_SOURCE_DEFAULTS } from './grpc/grpc-scheme.js';
export type { GrpcSourceSettings } from './grpc/grpc-scheme.js';
export { createSyncFeed, fatalCodeSet, syncFeedDescription } from './grpc/sync-feed.js';
export type { SyncFeedOptions } from './grpc/sync-feed.js';
export {
  MAX_CONNECT_INTERVAL_MS,
  channelCredentials,
  channelOptions,
  connectionBackoff,
  grpcTarget,
} from './grpc/grpc-channel.js';
export type { ChannelSettings, ChannelTls, GrpcTarget, RetryTiming } from './grpc/grpc-channel.js';
export { createStreamRetry } from './grpc/stream-retry.js';
export type { StreamOutcome, StreamRetry, StreamRetryOptions } from './grpc/stream-retry.js';
export { createBackoff } from './grpc/backoff.js';
export type { Backoff } from './grpc/backoff.js';
export { HTTP_SOURCE_DEFAULTS } from './http/http-scheme.js';
export type { HttpSourceSettings } from './http/http-scheme.js';
export type { DocumentOrigin, ParsedDocument, SourceParseOptions } from './parse-document.js';
