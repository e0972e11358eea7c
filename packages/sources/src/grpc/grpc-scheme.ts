// flagd's `grpc` provider (`grpc://host:port`, `grpcs://host:port`, `envoy://host:port/authority`,
// `dns:`/`uds:`/`xds:` targets): another daemon's flagd.sync.v1 SyncFlags stream, Switchyard or
// flagd or flagd-proxy (open-feature/flagd:core/pkg/sync/grpc/grpc_sync.go). The stream is the
// provider's sync feed (one implementation); while the upstream is away the last good flags are
// served and the stream is reopened as soon as it is back, after which it resends everything.
import { DEFAULT_LIMITS, UnsupportedSourceError, UsageError } from '@switchyard/core';
import { booleanField, headersField, integerField, stringField } from '../config-fields.js';
import { createPayloadSource } from '../payload-source.js';
import type { SourceConfig, SourceScheme } from '../scheme.js';
import { grpcTarget } from './grpc-channel.js';
import type { GrpcTarget } from './grpc-channel.js';
import { createSyncFeed } from './sync-feed.js';

/** What the consumer decides for every grpc source (a config entry sets none of these). */
export interface GrpcSourceSettings {
  /** First delay of the stream backoff and of the connection attempts (ms). */
  readonly retryBackoffMs: number;
  /** Cap of the stream backoff (ms); connection attempts pause at most 1 s. */
  readonly retryBackoffMaxMs: number;
  /** HTTP/2 keepalive ping interval (ms, 0 = off): finds a peer that vanished without a reset. */
  readonly keepAliveTime: number;
  /** Client-side stream deadline (ms, 0 = none). */
  readonly streamDeadlineMs: number;
  /** Receive limit when the entry has no `maxMsgSize` (bytes). */
  readonly maxMsgSize: number;
  /** Report UNAVAILABLE when a stream stays silent this long (ms; flagd's startup gate). */
  readonly silenceReportMs: number;
}

/**
 * A daemon's defaults. The retry pair is the provider specification's current one
 * (retryBackoffMs 1000, retryBackoffMaxMs 5000). Keepalive every 60 s: flagd permits a ping
 * every 30 s (`--keep-alive-min-time`), and without pings a root that vanished without a TCP
 * reset would never be noticed by an idle stream. The receive limit is the size bound of every
 * other source (core's maxBytes), not grpc-go's 4 MB, so a chain passes on whatever its root
 * accepts; `maxMsgSize` still sets it per entry.
 */
export const GRPC_SOURCE_DEFAULTS: GrpcSourceSettings = {
  retryBackoffMs: 1000,
  retryBackoffMaxMs: 5000,
  keepAliveTime: 60_000,
  streamDeadlineMs: 0,
  maxMsgSize: DEFAULT_LIMITS.maxBytes + 64 * 1024,
  silenceReportMs: 5000,
};

const PREFIX = /^grpcs?:\/\//i;

function targetOf(config: SourceConfig): GrpcTarget {
  const target = grpcTarget(config.uri);
  if (typeof target === 'string')
    throw new UsageError(`the grpc source "${config.uri}": ${target}`);
  return target;
}

/** Whether the entry asks for TLS (`grpcs://` or `"tls": true`). */
function tlsOf(config: SourceConfig): boolean {
  return /^grpcs:\/\//i.test(config.uri) || booleanField(config, 'tls') === true;
}

export const GRPC_SCHEME: SourceScheme = {
  providers: ['grpc'],
  uriPrefixes: ['grpc://', 'grpcs://'],
  spec(config) {
    // flagd strips grpc:// and grpcs:// from the id and keeps the custom resolver schemes.
    const id = config.uri.replace(PREFIX, '');
    if (/^(xds|uds):/i.test(config.uri)) {
      throw new UnsupportedSourceError(
        `"${config.uri}": xds and uds name resolution are not supported; use grpc(s)://host:port, dns:///host:port, envoy://host:port/authority or unix:///path`,
      );
    }
    targetOf(config);
    booleanField(config, 'tls');
    const certPath = stringField(config, 'certPath');
    if (certPath !== undefined && !tlsOf(config)) {
      // flagd refuses this too (open-feature/flagd:core/pkg/sync/grpc/credentials/builder.go).
      throw new UsageError(
        `"${config.uri}": certPath ${certPath} was given for a plaintext connection; use grpcs:// or "tls": true`,
      );
    }
    stringField(config, 'selector');
    stringField(config, 'providerID');
    integerField(config, 'maxMsgSize', { min: 1, max: 2 ** 31 - 1 });
    headersField(config);
    return { id, provider: config.provider, uri: config.uri, config };
  },
  create(spec, context) {
    const { config } = spec;
    const settings = { ...GRPC_SOURCE_DEFAULTS, ...context.grpc };
    const trace = context.trace;
    const feed = createSyncFeed({
      ...settings,
      target: targetOf(config),
      tls: tlsOf(config),
      certPath: stringField(config, 'certPath'),
      selector: stringField(config, 'selector'),
      providerId: stringField(config, 'providerID'),
      headers: headersField(config),
      maxMsgSize:
        integerField(config, 'maxMsgSize', { min: 1, max: 2 ** 31 - 1 }) ?? settings.maxMsgSize,
      // The daemon keeps its flags through any status: a grpc source is never given up.
      fatalStatusCodes: [],
      debug: trace ? (message) => trace('grpc', message) : undefined,
    });
    return createPayloadSource(feed, { id: spec.id, parse: context.parse, format: 'json' });
  },
};
