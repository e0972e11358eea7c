// Options of SwitchyardProvider. Names, defaults and precedence follow flagd's provider
// configuration contract (open-feature/flagd-testbed:gherkin/config.feature and
// open-feature/flagd:docs/reference/specifications/providers.md "Configuration"), so a
// `FlagdProvider` options object works unchanged.
import type { EvaluationContext, JsonValue } from '@switchyard/core';
import type { Meter } from '@opentelemetry/api';

/**
 * `rpc` and `in-process` as in flagd; `file` = in-process from `offlineFlagSourcePath`;
 * `inline` = a configuration given in the options (Switchyard extension).
 */
export type ResolverType = 'rpc' | 'in-process' | 'file' | 'inline';

/** RPC mode's cache of STATIC results: `lru` (default) or `disabled`. */
export type CacheType = 'lru' | 'disabled';

/** Maps the daemon's `sync_context` to the base evaluation context (identity by default). */
export type ContextEnricher = (syncContext: EvaluationContext | null) => EvaluationContext;

export interface SwitchyardProviderOptions {
  /**
   * FLAGD_RESOLVER. Default `rpc` (flagd's default): every evaluation asks the daemon's evaluation
   * port. `in-process`, `file` and `inline` evaluate locally.
   */
  resolverType?: ResolverType;
  /** Alias of `resolverType` (the name used by flagd's provider specification). */
  resolver?: ResolverType;
  /** FLAGD_HOST, default `localhost`. */
  host?: string;
  /** FLAGD_PORT (in-process: FLAGD_SYNC_PORT wins), default 8013 rpc / 8015 in-process. */
  port?: number;
  /** FLAGD_TARGET_URI: a gRPC target; `envoy://host:port/authority` connects to host:port. */
  targetUri?: string;
  /** FLAGD_DEFAULT_AUTHORITY: `grpc.default_authority` (as the official JS provider). */
  defaultAuthority?: string;
  /** FLAGD_TLS, default false. */
  tls?: boolean;
  /** FLAGD_SOCKET_PATH: connect over a unix socket. */
  socketPath?: string;
  /** FLAGD_SERVER_CERT_PATH: CA certificate (PEM) trusted for TLS. */
  certPath?: string;
  /** FLAGD_DEADLINE_MS, default 500: bound on `initialize` and, in RPC mode, on each evaluation call. */
  deadlineMs?: number;
  /** FLAGD_STREAM_DEADLINE_MS, default 600000; 0 = no deadline. */
  streamDeadlineMs?: number;
  /**
   * FLAGD_RETRY_BACKOFF_MS, default 1000: first delay of the stream backoff, and first pause
   * between connection attempts while the server is down (capped at 1 s; docs/adr/0020).
   */
  retryBackoffMs?: number;
  /**
   * FLAGD_RETRY_BACKOFF_MAX_MS, default 12000: cap of the stream backoff (a reachable server
   * that fails streams); connection attempts pause at most min(this, 1 s).
   */
  retryBackoffMaxMs?: number;
  /** FLAGD_RETRY_GRACE_PERIOD, seconds, default 5: time spent STALE before ERROR. */
  retryGracePeriod?: number;
  /** FLAGD_KEEP_ALIVE_TIME_MS, default 0 (off): HTTP/2 keepalive ping interval. */
  keepAliveTime?: number;
  /**
   * FLAGD_MAX_MSG_SIZE (Switchyard extension, named after flagd's gRPC sync source option
   * `maxMsgSize`): the largest sync message accepted, in bytes. Default 4194304 (4 MiB, the gRPC
   * default); raise it together with the daemon's `--max-msg-size`.
   */
  maxMsgSize?: number;
  /** FLAGD_SOURCE_SELECTOR: sent as the `flagd-selector` header (and the deprecated field). */
  selector?: string;
  /** FLAGD_PROVIDER_ID: sent in SyncFlagsRequest.provider_id. */
  providerId?: string;
  /** FLAGD_OFFLINE_FLAG_SOURCE_PATH: a flag file; makes `in-process` a `file` resolver. */
  offlineFlagSourcePath?: string;
  /** FLAGD_OFFLINE_POLL_MS, default 5000: stat fallback next to fs.watch; 0 = watch only. */
  offlinePollIntervalMs?: number;
  /** FLAGD_FATAL_STATUS_CODES: gRPC status names (or numbers) that put the provider in FATAL. */
  fatalStatusCodes?: string[];
  /** FLAGD_CACHE (RPC mode): `lru` (default) keeps STATIC results until a change; `disabled`. */
  cache?: CacheType;
  /** FLAGD_MAX_CACHE_SIZE (RPC mode), default 1000 entries. */
  maxCacheSize?: number;
  /** Maps `sync_context` to the lowest-precedence evaluation context. Default: identity. */
  contextEnricher?: ContextEnricher;
  /**
   * FLAGD_CACHE_DIR (Switchyard extension): directory for the last-known-good configuration.
   * Unset = no persistence.
   */
  cacheDir?: string;
  /** A flag configuration (object or JSON/YAML text) served as-is (Switchyard extension). */
  flagConfiguration?: string | JsonValue;
  /**
   * FLAGD_REPORT_USAGE (Switchyard extension), default false: report evaluation counts per flag,
   * variant and reason to the daemon the provider syncs from (in-process resolver only), batched
   * every `usageReportIntervalMs` and never on the evaluation path.
   */
  reportUsage?: boolean;
  /** FLAGD_USAGE_REPORT_INTERVAL_MS, default 10000: how often usage is reported. */
  usageReportIntervalMs?: number;
  /**
   * FLAGD_EVALUATION_METRICS (Switchyard extension), default false: count this provider's
   * evaluations as OpenTelemetry metrics, with the daemon's instruments
   * (`feature_flag.flagd.impression`, `feature_flag.flagd.result.reason`,
   * `feature_flag.provider.name` = `switchyard`), in every resolver mode (in RPC mode the daemon
   * counts them too, as `flagd`). Counted in place on the evaluation path and read when the
   * application's metric reader collects.
   */
  evaluationMetrics?: boolean;
  /** The meter of `evaluationMetrics` (default: the global MeterProvider's). */
  meter?: Meter;
}

/** The options after defaults, environment and validation: what the provider really uses. */
export interface ResolvedProviderOptions {
  readonly resolverType: ResolverType;
  readonly host: string;
  readonly port: number;
  readonly targetUri: string | undefined;
  readonly defaultAuthority: string | undefined;
  readonly tls: boolean;
  readonly socketPath: string | undefined;
  readonly certPath: string | undefined;
  readonly deadlineMs: number;
  readonly streamDeadlineMs: number;
  readonly retryBackoffMs: number;
  readonly retryBackoffMaxMs: number;
  readonly retryGracePeriod: number;
  readonly keepAliveTime: number;
  readonly maxMsgSize: number;
  readonly selector: string | undefined;
  readonly providerId: string | undefined;
  readonly offlineFlagSourcePath: string | undefined;
  readonly offlinePollIntervalMs: number;
  readonly fatalStatusCodes: readonly string[];
  readonly cache: CacheType;
  readonly maxCacheSize: number;
  readonly contextEnricher: ContextEnricher;
  readonly cacheDir: string | undefined;
  readonly flagConfiguration: string | JsonValue | undefined;
  readonly reportUsage: boolean;
  readonly usageReportIntervalMs: number;
  readonly evaluationMetrics: boolean;
}

/**
 * Environment variables read by the provider (flagd's names; FLAGD_CACHE_DIR, FLAGD_MAX_MSG_SIZE,
 * FLAGD_REPORT_USAGE, FLAGD_USAGE_REPORT_INTERVAL_MS and FLAGD_EVALUATION_METRICS are ours).
 */
export const ENV = {
  resolverType: 'FLAGD_RESOLVER',
  host: 'FLAGD_HOST',
  port: 'FLAGD_PORT',
  syncPort: 'FLAGD_SYNC_PORT',
  targetUri: 'FLAGD_TARGET_URI',
  defaultAuthority: 'FLAGD_DEFAULT_AUTHORITY',
  tls: 'FLAGD_TLS',
  socketPath: 'FLAGD_SOCKET_PATH',
  certPath: 'FLAGD_SERVER_CERT_PATH',
  deadlineMs: 'FLAGD_DEADLINE_MS',
  streamDeadlineMs: 'FLAGD_STREAM_DEADLINE_MS',
  retryBackoffMs: 'FLAGD_RETRY_BACKOFF_MS',
  retryBackoffMaxMs: 'FLAGD_RETRY_BACKOFF_MAX_MS',
  retryGracePeriod: 'FLAGD_RETRY_GRACE_PERIOD',
  keepAliveTime: 'FLAGD_KEEP_ALIVE_TIME_MS',
  maxMsgSize: 'FLAGD_MAX_MSG_SIZE',
  selector: 'FLAGD_SOURCE_SELECTOR',
  providerId: 'FLAGD_PROVIDER_ID',
  offlineFlagSourcePath: 'FLAGD_OFFLINE_FLAG_SOURCE_PATH',
  offlinePollIntervalMs: 'FLAGD_OFFLINE_POLL_MS',
  fatalStatusCodes: 'FLAGD_FATAL_STATUS_CODES',
  cache: 'FLAGD_CACHE',
  maxCacheSize: 'FLAGD_MAX_CACHE_SIZE',
  cacheDir: 'FLAGD_CACHE_DIR',
  reportUsage: 'FLAGD_REPORT_USAGE',
  usageReportIntervalMs: 'FLAGD_USAGE_REPORT_INTERVAL_MS',
  evaluationMetrics: 'FLAGD_EVALUATION_METRICS',
} as const;

export const DEFAULTS = {
  host: 'localhost',
  rpcPort: 8013,
  inProcessPort: 8015,
  tls: false,
  deadlineMs: 500,
  streamDeadlineMs: 600_000,
  retryBackoffMs: 1000,
  retryBackoffMaxMs: 12_000,
  retryGracePeriod: 5,
  keepAliveTime: 0,
  maxMsgSize: 4 * 1024 * 1024,
  offlinePollIntervalMs: 5000,
  cache: 'lru',
  maxCacheSize: 1000,
  reportUsage: false,
  usageReportIntervalMs: 10_000,
  evaluationMetrics: false,
} as const;
