// What a source scheme is: a row of the scheme table. Adding a source (http, grpc) is a new
// file exporting one of these plus its row in scheme-table.ts.
import type { FlagSource } from './flag-source.js';
import type { FileSourceOptions } from './file/file-source.js';
import type { SourceParseOptions } from './parse-document.js';

/** One entry of flagd's `--sources` JSON array (fields a scheme does not use are ignored). */
export interface SourceConfig {
  readonly uri: string;
  readonly provider: string;
  readonly selector?: string;
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
