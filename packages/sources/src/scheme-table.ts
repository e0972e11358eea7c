// The scheme table: every source the daemon and the provider can build, by flagd's provider
// name and `--uri` prefix (open-feature/flagd:core/pkg/sync/builder/utils.go). A flagd
// provider without a row answers with UnsupportedSourceError, never a crash.
import { UnsupportedSourceError, UsageError } from '@switchyard/core';
import type { FlagSource } from './flag-source.js';
import { FILE_SCHEME } from './file/file-scheme.js';
import { GRPC_SCHEME } from './grpc/grpc-scheme.js';
import { HTTP_SCHEME } from './http/http-scheme.js';
import type { SourceConfig, SourceContext, SourceScheme, SourceSpec } from './scheme.js';

/** Served schemes. */
export const SCHEMES: readonly SourceScheme[] = [FILE_SCHEME, HTTP_SCHEME, GRPC_SCHEME];

/** flagd's providers and the `--uri` prefixes it infers each from, served or not. */
const FLAGD_PROVIDERS: readonly {
  readonly provider: string;
  readonly uri?: RegExp;
  /** The prefix as messages show it. */
  readonly prefix?: string;
}[] = [
  { provider: 'file', uri: /^file:/, prefix: 'file:' },
  { provider: 'fsnotify' },
  { provider: 'fileinfo' },
  { provider: 'kubernetes', uri: /^core\.openfeature\.dev\//, prefix: 'core.openfeature.dev/' },
  { provider: 'http', uri: /^https?:\/\//, prefix: 'http(s)://' },
  { provider: 'grpc', uri: /^(grpcs?|envoy|dns|uds|xds):\/\//, prefix: 'grpc(s)://' },
  { provider: 'gcs', uri: /^gs:\/\//, prefix: 'gs://' },
  { provider: 'azblob', uri: /^azblob:\/\//, prefix: 'azblob://' },
  { provider: 's3', uri: /^s3:\/\//, prefix: 's3://' },
];

const schemeOf = (provider: string) => SCHEMES.find((s) => s.providers.includes(provider));

/** The provider flagd infers from a `--uri` prefix, or undefined for an unknown prefix. */
export function providerOfUri(uri: string): string | undefined {
  return FLAGD_PROVIDERS.find((p) => p.uri?.test(uri))?.provider;
}

/** Why a flagd provider without a row is not served, and what to use instead. */
const INSTEAD: Readonly<Record<string, string>> = {
  kubernetes:
    'it watches FeatureFlag resources through the cluster API; mount the flags as a ConfigMap (file provider) or read them from a flagd-proxy or a Switchyard root (grpc provider)',
};

function notSupported(provider: string, uri: string): UnsupportedSourceError {
  const served = SCHEMES.flatMap((s) => s.uriPrefixes).join(', ');
  const instead = INSTEAD[provider] ?? `switchyard serves ${served} sources`;
  return new UnsupportedSourceError(
    `the "${provider}" provider (${uri}) is not supported: ${instead}`,
  );
}

function specOf(config: SourceConfig, cwd: string): SourceSpec {
  const scheme = schemeOf(config.provider);
  if (scheme) return scheme.spec(config, cwd);
  if (FLAGD_PROVIDERS.some((p) => p.provider === config.provider)) {
    throw notSupported(config.provider, config.uri);
  }
  const known = FLAGD_PROVIDERS.map((p) => p.provider).join(', ');
  throw new UsageError(
    `unknown provider "${config.provider}" for "${config.uri}" (flagd providers: ${known})`,
  );
}

/** A `--uri`/`-f` string or a `--sources` entry → its spec. Relative paths resolve against `cwd`. */
export function resolveSource(entry: string | SourceConfig, cwd = process.cwd()): SourceSpec {
  if (typeof entry === 'string') {
    const provider = providerOfUri(entry);
    if (provider === undefined) {
      const prefixes = FLAGD_PROVIDERS.filter((p) => p.prefix && !schemeOf(p.provider))
        .map((p) => p.prefix)
        .join(', ');
      throw new UsageError(
        `unsupported URI "${entry}": use file:path, http(s)://host/path or grpc(s)://host:port (other flagd prefixes: ${prefixes} are not supported)`,
      );
    }
    return specOf({ uri: entry, provider }, cwd);
  }
  if (
    typeof entry !== 'object' ||
    entry === null ||
    typeof entry.uri !== 'string' ||
    entry.uri === ''
  ) {
    throw new UsageError('each --sources entry needs a "uri" string');
  }
  if (typeof entry.provider !== 'string' || entry.provider === '') {
    throw new UsageError(`the --sources entry for "${entry.uri}" needs a "provider"`);
  }
  return specOf(entry, cwd);
}

/** Every entry's spec, in merge order (later wins), without repeated ids (the first stays). */
export function resolveSources(
  entries: readonly (string | SourceConfig)[],
  cwd = process.cwd(),
): SourceSpec[] {
  const seen = new Set<string>();
  return entries
    .map((entry) => resolveSource(entry, cwd))
    .filter((spec) => !seen.has(spec.id) && seen.add(spec.id));
}

/** The source of a spec from resolveSource. */
export function createSource(spec: SourceSpec, context: SourceContext): FlagSource {
  const scheme = schemeOf(spec.provider);
  if (scheme === undefined) throw notSupported(spec.provider, spec.uri);
  return scheme.create(spec, context);
}
