// Turns flagd's `--uri` strings and `--sources` entries into source specs, with the source ids
// flagd gives them (open-feature/flagd:core/pkg/sync/builder/utils.go). Only `file` is served;
// every other flagd provider answers with UnsupportedSourceError instead of a crash.
import { resolve } from 'node:path';
import { UnsupportedSourceError, UsageError } from '@switchyard/core';

/** One entry of flagd's `--sources` JSON array (extra fields are accepted and ignored). */
export interface SourceConfig {
  readonly uri: string;
  readonly provider: string;
  readonly selector?: string;
  readonly [extra: string]: unknown;
}

/** A source the daemon can start. */
export interface SourceSpec {
  /** The id flagd uses: the configured URI with `file:` stripped (selector `source=<id>`). */
  readonly id: string;
  readonly provider: 'file';
  /** Absolute path of the file or directory, resolved against the process cwd like flagd. */
  readonly path: string;
}

const FILE_PROVIDERS = new Set(['file', 'fsnotify', 'fileinfo']);
const OTHER_PROVIDERS = new Set(['kubernetes', 'http', 'grpc', 'gcs', 'azblob', 's3']);

/** The provider flagd infers from a `--uri` prefix (utils.go), or undefined for an unknown prefix. */
export function providerOfUri(uri: string): string | undefined {
  if (uri.startsWith('file:')) return 'file';
  if (uri.startsWith('core.openfeature.dev/')) return 'kubernetes';
  if (/^https?:\/\//.test(uri)) return 'http';
  if (/^(grpcs?|envoy|dns|uds|xds):\/\//.test(uri)) return 'grpc';
  if (uri.startsWith('gs://')) return 'gcs';
  if (uri.startsWith('azblob://')) return 'azblob';
  if (uri.startsWith('s3://')) return 's3';
  return undefined;
}

function notSupported(provider: string, uri: string): UnsupportedSourceError {
  return new UnsupportedSourceError(
    `the "${provider}" provider (${uri}) is not supported yet; switchyard serves file sources (file:path/to/flags.json or a directory)`,
  );
}

/** `--uri`/`-f` entry → spec. */
export function specFromUri(uri: string, cwd = process.cwd()): SourceSpec {
  const provider = providerOfUri(uri);
  if (provider === undefined) {
    throw new UsageError(
      `unsupported URI "${uri}": use file:path (other flagd prefixes: http(s)://, grpc(s)://, core.openfeature.dev/, gs://, azblob://, s3:// are not supported yet)`,
    );
  }
  if (provider !== 'file') throw notSupported(provider, uri);
  return fileSpec(uri, cwd);
}

/** `--sources` entry → spec. */
export function specFromConfig(config: SourceConfig, cwd = process.cwd()): SourceSpec {
  if (
    typeof config !== 'object' ||
    config === null ||
    typeof config.uri !== 'string' ||
    config.uri === ''
  ) {
    throw new UsageError('each --sources entry needs a "uri" string');
  }
  if (typeof config.provider !== 'string' || config.provider === '') {
    throw new UsageError(`the --sources entry for "${config.uri}" needs a "provider"`);
  }
  if (FILE_PROVIDERS.has(config.provider)) return fileSpec(config.uri, cwd);
  if (OTHER_PROVIDERS.has(config.provider)) throw notSupported(config.provider, config.uri);
  throw new UsageError(
    `unknown provider "${config.provider}" for "${config.uri}" (flagd providers: file, fsnotify, fileinfo, kubernetes, http, grpc, gcs, azblob, s3)`,
  );
}

function fileSpec(uri: string, cwd: string): SourceSpec {
  const id = uri.startsWith('file:') ? uri.slice('file:'.length) : uri;
  if (id === '') throw new UsageError(`"${uri}" names no file`);
  return { id, provider: 'file', path: resolve(cwd, id) };
}
