// startDaemon: sources → store of generations → transports (sync, remote evaluation, OFREP) and
// the management server. Each step is a function of its own; this file wires them in order.
import { resolve as resolvePath } from 'node:path';
import { createSource, resolveSources } from '@switchyard/sources';
import type {
  FileSourceOptions,
  FlagSource,
  GrpcSourceSettings,
  HttpSourceSettings,
  SourceConfig,
  SourceSpec,
} from '@switchyard/sources';
import type { AuditView, UsageRecord } from '@switchyard/gitops';
import { AuditTrail } from './audit/audit-trail.js';
import { AuthConfigFile } from './auth/auth-config-file.js';
import { Console } from './console/console.js';
import type { JsonObject } from './engine.js';
import { healthReport } from './health/health-report.js';
import type { HealthReport } from './health/health-report.js';
import { Readiness } from './health/readiness.js';
import type { CallInterceptor } from './remote/call.js';
import { createLogger, withTraceFields } from './logger.js';
import type { LogFormat, Logger } from './logger.js';
import type { ManagementGuard } from './management/routes.js';
import { createMetrics, observeStore, observeUsage } from './metrics.js';
import type { DaemonMetrics } from './metrics.js';
import { startServers } from './servers.js';
import type { Servers } from './servers.js';
import type { Generation } from './store/generation.js';
import { GenerationStore } from './store/generation-store.js';
import type { StoreEvent } from './store/generation-store.js';
import type { SourceStatus } from './store/source-state.js';
import { logStore } from './store-log.js';
import { SyncService } from './sync/sync-service.js';
import { startTelemetry } from './telemetry/telemetry.js';
import { DEFAULT_TLS_PORTS, ServerTls, TLS_PORTS } from './tls/server-tls.js';
import type { TlsPort } from './tls/server-tls.js';
import type { Telemetry, TelemetryOptions } from './telemetry/telemetry.js';
import { readUsageFile, UsageFile } from './usage/usage-file.js';
import { usageServiceImplementation } from './usage/usage-service.js';
import { type UsageChange, type UsageLimits, UsageStore } from './usage/usage-store.js';

export interface DaemonOptions {
  /**
   * flagd `--uri` strings (`file:`, `http(s)://`, `grpc(s)://`, ...) and `--sources` entries, in
   * merge order (later wins).
   */
  readonly sources: readonly (string | SourceConfig)[];
  /** flagd.sync.v1 port (default 8015; 0 = any free port). */
  readonly syncPort?: number;
  /** Management port (default 8014; 0 = any free port). */
  readonly managementPort?: number;
  /** Interface every port binds (`--address`; default 0.0.0.0: all interfaces, like flagd). */
  readonly host?: string;
  /** Serve sync on this unix socket instead of the TCP port. */
  readonly syncSocketPath?: string;
  /** TLS certificate and key (PEM) of every port; reloaded when the files change. */
  readonly serverCertPath?: string;
  readonly serverKeyPath?: string;
  /**
   * `--tls-ports`: the ports -c/-k secure (default evaluation and sync, as flagd; flagd's
   * conformance suite polls a plaintext management port while -c/-k are given).
   */
  readonly tlsPorts?: readonly TlsPort[];
  /** `--client-ca-path`: the TLS ports verify client certificates against this CA (mTLS). */
  readonly clientCaPath?: string;
  /**
   * `--auth-config`: clients, their credentials and the flags each may read, enforced on every
   * port (auth/); reloaded when the file changes. Undefined: no authentication (as flagd).
   */
  readonly authConfig?: string;
  /** `-X k=v`: sent as sync_context and returned by GetMetadata. */
  readonly contextValues?: Readonly<Record<string, string>>;
  /** Server-side deadline of SyncFlags streams in ms (0 = none). */
  readonly streamDeadlineMs?: number;
  /**
   * A SyncFlags or EventStream message the client has not taken after this long resets the
   * stream (ms; default 30 s): a client that stopped reading holds no memory past it.
   */
  readonly streamStallMs?: number;
  readonly disableSyncMetadata?: boolean;
  /**
   * `--max-msg-size`: the largest SyncFlags message the clients accept (default 4 MiB, the gRPC
   * clients' default). A generation whose message for a served selector is larger is not
   * published: the last good flags stay served and the cause is reported (log, /readyz).
   */
  readonly maxMsgSize?: number;
  /** Longest a sync call waits for every source to load before it is answered (flagd: 5 s). */
  readonly startupGateMs?: number;
  readonly logger?: Logger;
  readonly logFormat?: LogFormat;
  readonly debug?: boolean;
  /** Log level of the built-in logger (`silent` to embed quietly). */
  readonly logLevel?: 'silent' | 'error' | 'warn' | 'info' | 'debug';
  /** File watching: quiet periods, settle time, backup poll (ms) and a trace hook. */
  readonly watch?: Pick<
    FileSourceOptions,
    'quietMs' | 'deletionQuietMs' | 'settleMs' | 'pollMs' | 'onTrace'
  >;
  /** Defaults of http and grpc sources (poll interval, timeout, reconnect policy, ...). */
  readonly remoteSources?: {
    readonly http?: Partial<HttpSourceSettings>;
    readonly grpc?: Partial<GrpcSourceSettings>;
  };
  /** `--metrics-exporter` and the OpenTelemetry options (telemetry/telemetry.ts). */
  readonly telemetry?: TelemetryOptions;
  /** Base directory of relative source paths (default: the process cwd, like flagd). */
  readonly cwd?: string;
  /** flagd.evaluation v1/v2 gRPC port (`--port`; the CLI defaults it to 8013). Undefined: not served. */
  readonly evaluationPort?: number;
  /** Serve flagd.evaluation on this unix socket instead (`--socket-path`). */
  readonly socketPath?: string;
  /** OFREP port (`--ofrep-port`; the CLI defaults it to 8016). Undefined: not served. */
  readonly ofrepPort?: number;
  /** `--context-from-header/-H`: request header → evaluation context key. */
  readonly contextFromHeaders?: Readonly<Record<string, string>>;
  /** `--cors-origin/-C` of the evaluation and OFREP ports (`*` = any). */
  readonly corsOrigins?: readonly string[];
  /**
   * Around every call on the evaluation port, whatever the protocol (gRPC, gRPC-Web, Connect):
   * the seam for per-request authentication and tracing.
   */
  readonly interceptors?: readonly CallInterceptor[];
  /** `--max-request-body/-B` and `--max-request-header/-R` in bytes (default 1,000,000 each). */
  readonly maxRequestBody?: number;
  readonly maxRequestHeader?: number;
  /**
   * `--max-context-depth` and `--max-context-keys`: the deepest nesting and the most keys plus
   * array elements of one request's evaluation context (default 32 and 10,000).
   */
  readonly maxContextDepth?: number;
  readonly maxContextKeys?: number;
  /** EventStream keep_alive after this long idle (default 20 s, as flagd). */
  readonly eventKeepAliveMs?: number;
  /** `--audit-log`: append an entry per published generation to this JSON-lines file. */
  readonly auditLog?: string;
  /**
   * `--usage-file`: keep the usage providers report (switchyard.usage.v1) in this file across
   * restarts (written atomically at most every `usageFlushMs`, default 5 s, and on close).
   */
  readonly usageFile?: string;
  readonly usageFlushMs?: number;
  /** Bounds of the usage kept (flags, counts per flag, reporters, string length). */
  readonly usageLimits?: Partial<UsageLimits>;
  /**
   * Decides on every management route but the probes (/metrics, /audit, the console under
   * /ui/): the one place authentication goes. Default: everything is let through.
   */
  readonly managementGuard?: ManagementGuard;
  /** The console's built browser assets (default: this package's dist/ui). */
  readonly consoleAssetsDir?: string;
}

/** The usage providers report, as the daemon keeps it. */
export interface UsageView {
  /** The whole record (what --usage-file holds and GET /ui/api/usage answers). */
  record(): UsageRecord;
  /** Called after every counted report. */
  subscribe(listener: (change: UsageChange) => void): () => void;
}

export interface Daemon {
  /** Bound ports (sync is undefined when serving on a unix socket). */
  readonly ports: {
    readonly sync: number | undefined;
    readonly management: number;
    readonly evaluation?: number | undefined;
    readonly ofrep?: number | undefined;
  };
  readonly syncAddress: string;
  /** Resolves once every source serves flags and the first generation is published. */
  readonly ready: Promise<void>;
  /**
   * Resolves once clients are answered: every source serves flags, or the startup grace
   * (`startupGateMs`) is over. /readyz can answer 200 only from then on.
   */
  readonly serving: Promise<void>;
  readonly metrics: DaemonMetrics;
  readonly logger: Logger;
  /** The current generation (undefined until a source has usable content and servers listen). */
  generation(): Generation | undefined;
  /** Per source: what it serves and which of its entries are unusable since when. */
  status(): SourceStatus[];
  /** What /readyz answers (its `ready` decides 200 or 412). */
  health(): HealthReport;
  /** Store events: generations, problems that appear or clear, new warnings. */
  subscribe(listener: (event: StoreEvent) => void): () => void;
  /** The audit trail: an entry per published generation, written in order once git is resolved. */
  readonly audit: AuditView;
  /** Flag usage reported by providers. */
  readonly usage: UsageView;
  /** Stops watching, ends every stream with UNAVAILABLE and closes every server. */
  close(): Promise<void>;
}

/**
 * One source per spec, in merge order, from the scheme table: documents parse strictly, with
 * targeting errors isolated; file events, reads and watches, polls and recycled streams are
 * debug logs (`--debug`).
 */
function createSources(
  specs: readonly SourceSpec[],
  options: DaemonOptions,
  logger: Logger,
): FlagSource[] {
  const onTrace =
    options.watch?.onTrace ?? ((event: string, detail: string) => logger.debug({ event }, detail));
  const context = {
    parse: { mode: 'strict', targetingErrors: 'isolate' } as const,
    file: { ...options.watch, onTrace },
    http: options.remoteSources?.http,
    grpc: options.remoteSources?.grpc,
    trace: onTrace,
  };
  return specs.map((spec) => createSource(spec, context));
}

function loggerOf(options: DaemonOptions): Logger {
  if (options.logger !== undefined) return withTraceFields(options.logger);
  return createLogger({
    format: options.logFormat ?? 'console',
    debug: options.debug ?? false,
    ...(options.logLevel ? { level: options.logLevel } : {}),
  });
}

interface Parts {
  readonly security: Security;
  readonly store: GenerationStore;
  readonly readiness: Readiness;
  readonly servers: Servers;
  readonly audit: AuditTrail;
  readonly usage: Usage;
  readonly console: Console;
  readonly telemetry: Telemetry;
  readonly metrics: DaemonMetrics;
  readonly logger: Logger;
}

function handleOf(parts: Parts): Daemon {
  const { store, readiness, servers, audit, usage, telemetry, metrics, logger } = parts;
  let closing: Promise<void> | undefined;
  return {
    ports: {
      sync: servers.sync.port,
      management: servers.management.port,
      evaluation: servers.remote.ports.evaluation,
      ofrep: servers.remote.ports.ofrep,
    },
    syncAddress: servers.sync.address,
    ready: readiness.complete,
    serving: readiness.gate,
    metrics,
    logger,
    generation: () => store.generation,
    status: () => store.status(),
    health: () => healthReport(store, readiness),
    subscribe: (listener) => store.subscribe(listener),
    audit,
    usage: usage.store,
    close() {
      closing ??= (async () => {
        readiness.close();
        parts.console.close();
        await servers.close();
        parts.security.close();
        // Last: the OTLP readers send what the closing counted.
        await Promise.all([audit.close(), usage.file?.close()]);
        await flushTelemetry(Promise.all([metrics.shutdown(), telemetry.close()]), logger);
      })();
      return closing;
    },
  };
}

/** The last OTLP export at shutdown may take this long; a collector that is down must not hold the exit. */
const SHUTDOWN_FLUSH_MS = 5000;

async function flushTelemetry(flushing: Promise<unknown>, logger: Logger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), SHUTDOWN_FLUSH_MS);
  });
  try {
    const outcome = await Promise.race([flushing, timeout]);
    if (outcome === 'timeout') {
      logger.warn(
        `OpenTelemetry export at shutdown took over ${SHUTDOWN_FLUSH_MS} ms; left behind`,
      );
    }
  } catch (error) {
    logger.warn(
      { err: error },
      `OpenTelemetry export at shutdown failed: ${(error as Error).message}`,
    );
  } finally {
    clearTimeout(timer);
  }
}

interface Usage {
  readonly store: UsageStore;
  readonly file: UsageFile | undefined;
}

/** The usage store, from the usage file when there is one (read before anything listens). */
async function startUsage(
  options: DaemonOptions,
  logger: Logger,
  metrics: DaemonMetrics,
): Promise<Usage> {
  const path =
    options.usageFile === undefined ? undefined : resolvePath(options.cwd ?? '', options.usageFile);
  const initial = path === undefined ? undefined : await readUsageFile(path, logger);
  const store = new UsageStore({
    initial,
    ...(options.usageLimits ? { limits: options.usageLimits } : {}),
  });
  observeUsage(store, metrics);
  const file =
    path === undefined
      ? undefined
      : new UsageFile({
          path,
          store,
          logger,
          ...(options.usageFlushMs === undefined ? {} : { intervalMs: options.usageFlushMs }),
        });
  return { store, file };
}

/** Bearer tokens on a plaintext port are as good as public to anyone on the path: say so. */
function warnPlaintext(options: DaemonOptions, tls: ServerTls | undefined, logger: Logger): void {
  const secured = tls === undefined ? [] : (options.tlsPorts ?? DEFAULT_TLS_PORTS);
  const served = (port: TlsPort) =>
    port === 'evaluation'
      ? options.evaluationPort !== undefined && options.socketPath === undefined
      : port === 'ofrep'
        ? options.ofrepPort !== undefined
        : port === 'sync'
          ? options.syncSocketPath === undefined
          : true;
  const plain = TLS_PORTS.filter((port) => served(port) && !secured.includes(port));
  if (plain.length === 0) return;
  logger.warn(
    `--auth-config: credentials travel in clear on the ${plain.join(', ')} port${plain.length > 1 ? 's' : ''}; secure them with -c/-k and --tls-ports (docs/adr/0036)`,
  );
}

/** TLS and --auth-config: both read (and checked) before anything listens. */
interface Security {
  readonly tls: ServerTls | undefined;
  readonly auth: AuthConfigFile | undefined;
  close(): void;
}

function openSecurity(options: DaemonOptions, logger: Logger, metrics: DaemonMetrics): Security {
  const at = (path: string) => resolvePath(options.cwd ?? '', path);
  const tls = ServerTls.open({
    certPath: options.serverCertPath && at(options.serverCertPath),
    keyPath: options.serverKeyPath && at(options.serverKeyPath),
    clientCaPath: options.clientCaPath && at(options.clientCaPath),
    logger,
    metrics,
  });
  let auth: AuthConfigFile | undefined;
  try {
    auth =
      options.authConfig === undefined
        ? undefined
        : new AuthConfigFile({ path: at(options.authConfig), logger, metrics });
  } catch (error) {
    tls?.close();
    throw error;
  }
  if (auth !== undefined) warnPlaintext(options, tls, logger);
  return {
    tls,
    auth,
    close() {
      tls?.close();
      auth?.close();
    },
  };
}

export async function startDaemon(options: DaemonOptions): Promise<Daemon> {
  const specs = resolveSources(options.sources, options.cwd);
  const logger = loggerOf(options);
  // Before anything listens: unreadable --otel-* TLS files fail the start.
  const telemetry = await startTelemetry(options.telemetry, { logger, env: process.env });
  const metrics = createMetrics({ readers: telemetry.metricReaders, resource: telemetry.resource });
  const { describe } = telemetry;
  if (describe.metrics || describe.traces) {
    logger.info(
      describe,
      `OpenTelemetry export: metrics to ${describe.metrics ?? '/metrics only'}, traces to ${describe.traces ?? 'nowhere'}`,
    );
  }
  const security = openSecurity(options, logger, metrics);
  const access = security.auth?.policy;
  const store = new GenerationStore({ sources: specs.map((s) => s.id) });
  const readiness = new Readiness({ store, graceMs: options.startupGateMs ?? 5000 });
  logStore(store, logger);
  observeStore(store, metrics);
  // Git state is looked up for sources that are files; remote sources have none.
  const paths = specs.flatMap((s) => (s.path === undefined ? [] : [{ id: s.id, path: s.path }]));
  const audit = new AuditTrail(store, { sources: paths, logger });
  const syncContext: JsonObject = { ...(options.contextValues ?? {}) };
  const sync = new SyncService({
    store,
    syncContext,
    disableSyncMetadata: options.disableSyncMetadata ?? false,
    streamDeadlineMs: options.streamDeadlineMs ?? 0,
    ...(options.streamStallMs !== undefined ? { stallMs: options.streamStallMs } : {}),
    ...(options.maxMsgSize !== undefined ? { maxMsgSize: options.maxMsgSize } : {}),
    gate: readiness.gate,
    logger,
    metrics,
    access,
  });
  security.auth?.subscribe(() => sync.recheck());
  let servers: Servers;
  let usage: Usage | undefined;
  let operatorConsole: Console | undefined;
  try {
    // First: a failure here must not leave servers listening.
    if (options.auditLog) await audit.open(resolvePath(options.cwd ?? '', options.auditLog));
    usage = await startUsage(options, logger, metrics);
    operatorConsole = new Console({
      store,
      health: () => healthReport(store, readiness),
      audit,
      usage: usage.store,
      sources: paths,
      cwd: resolvePath(options.cwd ?? ''),
      logger,
      ...(options.consoleAssetsDir === undefined ? {} : { assetsDir: options.consoleAssetsDir }),
    });
    servers = await startServers({
      options,
      store,
      sync,
      sources: createSources(specs, options, logger),
      health: () => healthReport(store, readiness),
      healthChanges: (listener) => readiness.subscribe(listener),
      metrics,
      audit,
      logger,
      consoleRoutes: operatorConsole.routes(),
      tracing: telemetry.tracing,
      usage: usageServiceImplementation(usage.store, { logger, metrics, access }),
      tls: security.tls,
      access,
    });
  } catch (error) {
    security.close();
    readiness.close();
    operatorConsole?.close();
    await Promise.all([audit.close(), usage?.file?.close(), metrics.shutdown(), telemetry.close()]);
    throw error;
  }
  security.auth?.subscribe(() => {
    servers.remote.eventStreams.recheck();
    operatorConsole.events.recheck();
  });
  // Every server listens: publish the first generation (sources loaded while servers started).
  store.start();
  return handleOf({
    security,
    store,
    readiness,
    servers,
    audit,
    usage,
    console: operatorConsole,
    telemetry,
    metrics,
    logger,
  });
}
