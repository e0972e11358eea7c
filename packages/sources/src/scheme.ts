// What a source scheme is: a row of the scheme table. Adding a source is a new file exporting
// one of these plus its row in scheme-table.ts.
import type { FlagSource } from './flag-source.js';
import type { FileSourceOptions } from './file/file-source.js';
import type { GrpcSourceSettings } from './grpc/grpc-scheme.js';
import type { HttpSourceSettings } from './http/http-scheme.js';
import type { SourceParseOptions } from './parse-document.js';

/**
 * One entry of flagd's `--sources` JSON array, with flagd's field names
 * (open-feature/flagd:core/pkg/sync/isync.go). Each scheme reads the fields it serves and checks
 * their types; fields of other providers are ignored, as flagd ignores them.
 */
export interface SourceConfig {
  readonly uri: string;
  readonly provider: string;
  /** grpc: the selector sent upstream. */
  readonly selector?: string;
  /** grpc: SyncFlagsRequest.provider_id. */
  readonly providerID?: string;
  /** grpc: TLS (also implied by `grpcs://`). */
  readonly tls?: boolean;
  /** grpc and https: a CA certificate (PEM) to trust. */
  readonly certPath?: string;
  /** http: the `Authorization` header value (e.g. `Bearer xyz`). */
  readonly authHeader?: string;
  /** http: headers sent with each request; grpc: call metadata. */
  readonly headers?: Readonly<Record<string, string>>;
  /** http: seconds between polls (default 5, at most 86400). */
  readonly interval?: number;
  /** grpc: the largest message received, in bytes. */
  readonly maxMsgSize?: number;
  readonly [extra: string]: unknown;
}

/** A configured source, resolved by its scheme. */
export interface SourceSpec {
  /** flagd's id of the source (selector `source=<id>`): the URI without `file:`, or the URL. */
  readonly id: string;
  /** flagd's provider name (`file`, `fsnotify`, `fileinfo`, later `http`, `grpc`). */
  readonly provider: string;
  /** The URI as configured. */
  readonly uri: string;
  readonly config: SourceConfig;
  /** Absolute path, for sources that are files. */
  readonly path?: string | undefined;
}

/** What the consumer decides for every source it creates. */
export interface SourceContext {
  readonly parse: SourceParseOptions;
  /** Timing of file sources (quiet period, settle time, backup poll) and a trace hook. */
  readonly file?: Omit<FileSourceOptions, 'parse' | 'kind'> | undefined;
  /** Defaults of http sources (timeout, poll offset, ...) that a config entry does not set. */
  readonly http?: Partial<HttpSourceSettings> | undefined;
  /** Reconnect policy, keepalive and stream deadline of grpc sources. */
  readonly grpc?: Partial<GrpcSourceSettings> | undefined;
  /** Routine events of remote sources (a poll, a recycled stream), for debug logs. */
  readonly trace?: ((event: string, detail: string) => void) | undefined;
}

export interface SourceScheme {
  /** flagd provider names this scheme serves (`--sources` `provider`). */
  readonly providers: readonly string[];
  /** `--uri` prefixes of this scheme (flagd infers the provider from them). */
  readonly uriPrefixes: readonly string[];
  /** Validates a config of one of `providers`; throws UsageError (@switchyard/core) when it is unusable. */
  spec(config: SourceConfig, cwd: string): SourceSpec;
  create(spec: SourceSpec, context: SourceContext): FlagSource;
}
