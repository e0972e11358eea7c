// startDaemon: sources → store of generations → sync transport + management server.
import { existsSync, lstatSync, unlinkSync } from 'node:fs';
import type { Server as HttpServer } from 'node:http';
import { resolve as resolvePath } from 'node:path';
import type { Server as GrpcServer } from '@grpc/grpc-js';
import type { AuditView } from '@switchyard/gitops';
import { AuditTrail } from './audit/audit-trail.js';
import type { JsonObject } from './engine.js';
import { formatDiagnostic } from './engine.js';
import { createLogger } from './logger.js';
import type { LogFormat, Logger } from './logger.js';
import { startManagementServer } from './management/management-server.js';
import { createMetrics } from './metrics.js';
import type { DaemonMetrics } from './metrics.js';
import { FileSource } from './sources/file-source.js';
import type { FileSourceOptions } from './sources/file-source.js';
import type { FlagSource } from './sources/types.js';
import { specFromConfig, specFromUri } from './sources/uri.js';
import type { SourceConfig, SourceSpec } from './sources/uri.js';
import { DEFAULT_REQUEST_LIMIT, startRemote } from './remote/remote.js';
import type { Remote } from './remote/remote.js';
import { GenerationStore } from './store/generation-store.js';
import type { Generation, SourceStatus, StoreEvent } from './store/generation-store.js';
import { startSyncServer, stopSyncServer } from './sync/sync-server.js';
import { SyncService } from './sync/sync-service.js';

export interface DaemonOptions {
  /** `file:` URIs (flagd `--uri`) and `--sources` entries, in merge order (later wins). */
  readonly sources: readonly (string | SourceConfig)[];
  /** flagd.sync.v1 port (default 8015; 0 = any free port). */
  readonly syncPort?: number;
  /** Management port (default 8014; 0 = any free port). */
  readonly managementPort?: number;
  /** Interface to bind (default 0.0.0.0, like flagd). */
  readonly host?: string;
  /** Serve sync on this unix socket instead of the TCP port. */
  readonly syncSocketPath?: string;
  readonly serverCertPath?: string;
  readonly serverKeyPath?: string;
  /** `-X k=v`: sent as sync_context and returned by GetMetadata. */
  readonly contextValues?: Readonly<Record<string, string>>;
  /** Server-side deadline of SyncFlags streams in ms (0 = none). */
  readonly streamDeadlineMs?: number;
  readonly disableSyncMetadata?: boolean;
  /** Longest a sync call waits for every source to load before it is answered (flagd: 5 s). */
  readonly startupGateMs?: number;
  readonly logger?: Logger;
  readonly logFormat?: LogFormat;
  readonly debug?: boolean;
  /** Log level of the built-in logger (`silent` to embed quietly). */
  readonly logLevel?: 'silent' | 'error' | 'warn' | 'info' | 'debug';
  /** File watching: quiet period and settle time (ms). */
  readonly watch?: Pick<FileSourceOptions, 'quietMs' | 'settleMs' | 'onTrace'>;
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
  /** `--cors-origin/-C` of the OFREP port (`*` = any). */
  readonly corsOrigins?: readonly string[];
  /** `--max-request-body/-B` and `--max-request-header/-R` in bytes (default 1,000,000 each). */
  readonly maxRequestBody?: number;
  readonly maxRequestHeader?: number;
  /** EventStream keep_alive after this long idle (default 20 s, as flagd). */
  readonly eventKeepAliveMs?: number;
  /** `--audit-log`: append an entry per published generation to this JSON-lines file. */
  readonly auditLog?: string;
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
  /** Resolves once every source applied a first valid configuration. */
  readonly ready: Promise<void>;
  readonly metrics: DaemonMetrics;
  readonly logger: Logger;
  /** The current generation (the first is published once every source made its first attempt). */
  generation(): Generation | undefined;
  status(): SourceStatus[];
  /** Store events: generations, source problems and recoveries. */
  subscribe(listener: (event: StoreEvent) => void): () => void;
  /** The audit trail: an entry per published generation, written in order once git is resolved. */
  readonly audit: AuditView;
  /** Stops watching, ends every stream with UNAVAILABLE and closes both servers. */
  close(): Promise<void>;
}

const LIST_LIMIT = 25;
const short = (keys: readonly string[]) =>
  keys.length > LIST_LIMIT
    ? [...keys.slice(0, LIST_LIMIT), `…${keys.length - LIST_LIMIT} more`]
    : keys;

export function resolveSources(sources: DaemonOptions['sources'], cwd?: string): SourceSpec[] {
  const specs = sources.map((s) =>
    typeof s === 'string' ? specFromUri(s, cwd) : specFromConfig(s, cwd),
  );
  const seen = new Set<string>();
  return specs.filter((s) => !seen.has(s.id) && seen.add(s.id));
}

export async function startDaemon(options: DaemonOptions): Promise<Daemon> {
  const specs = resolveSources(options.sources, options.cwd);
  const logger =
    options.logger ??
    createLogger({
      format: options.logFormat ?? 'console',
      debug: options.debug ?? false,
      ...(options.logLevel ? { level: options.logLevel } : {}),
    });
  const metrics = createMetrics();
  const syncContext: JsonObject = { ...(options.contextValues ?? {}) };
  const store = new GenerationStore(
    specs.map((s) => s.id),
    syncContext,
  );
  let resolveReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    resolveReady = resolve;
  });
  let gateTimer: NodeJS.Timeout | undefined;
  const gate = Promise.race([
    ready,
    new Promise<void>((resolve) => {
      gateTimer = setTimeout(resolve, options.startupGateMs ?? 5000);
      gateTimer.unref();
    }),
  ]);
  store.subscribe((event) => onStoreEvent(event, logger, metrics));
  store.subscribe(() => {
    for (const s of store.status()) metrics.sourceReady.set({ source: s.source }, s.ready ? 1 : 0);
    if (store.ready && store.generation) resolveReady();
  });
  const audit = new AuditTrail(store, { sources: specs, logger });

  const service = new SyncService({
    store,
    syncContext,
    disableSyncMetadata: options.disableSyncMetadata ?? false,
    streamDeadlineMs: options.streamDeadlineMs ?? 0,
    gate,
    logger,
    metrics,
  });
  const host = options.host ?? '0.0.0.0';
  if (
    options.syncSocketPath &&
    existsSync(options.syncSocketPath) &&
    lstatSync(options.syncSocketPath).isSocket()
  ) {
    unlinkSync(options.syncSocketPath); // a stale socket from a previous run
  }
  const sources: FlagSource[] = specs.map((spec) => new FileSource(spec, options.watch ?? {}));
  let sync: { server: GrpcServer; port: number | undefined; address: string } | undefined;
  let management: { server: HttpServer; port: number } | undefined;
  let remote: Remote | undefined;
  try {
    // First: a failure here must not leave servers listening.
    if (options.auditLog) await audit.open(resolvePath(options.cwd ?? '', options.auditLog));
    // allSettled, not all: when one server fails to start, the ones that did start must be
    // closed too (Promise.all would leave them listening, unreferenced).
    const started = await Promise.allSettled([
      startSyncServer(service, {
        host,
        port: options.syncPort ?? 8015,
        socketPath: options.syncSocketPath,
        certPath: options.serverCertPath,
        keyPath: options.serverKeyPath,
      }),
      startManagementServer(store, metrics, {
        host,
        port: options.managementPort ?? 8014,
        audit,
      }),
      startRemote({
        store,
        host,
        evaluationPort: options.evaluationPort,
        socketPath: options.socketPath,
        ofrepPort: options.ofrepPort,
        certPath: options.serverCertPath,
        keyPath: options.serverKeyPath,
        contextValues: options.contextValues ?? {},
        contextFromHeaders: options.contextFromHeaders ?? {},
        corsOrigins: options.corsOrigins ?? [],
        maxRequestBody: options.maxRequestBody ?? DEFAULT_REQUEST_LIMIT,
        maxRequestHeader: options.maxRequestHeader ?? DEFAULT_REQUEST_LIMIT,
        keepAliveMs: options.eventKeepAliveMs ?? 0,
        streamDeadlineMs: options.streamDeadlineMs ?? 0,
        logger,
      }),
      Promise.all(sources.map((source) => source.start((update) => store.apply(update)))),
    ]);
    if (started[0].status === 'fulfilled') sync = started[0].value;
    if (started[1].status === 'fulfilled') management = started[1].value;
    if (started[2].status === 'fulfilled') remote = started[2].value;
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  } catch (error) {
    await audit.close();
    await Promise.all(sources.map((s) => s.close()));
    sync?.server.forceShutdown();
    management?.server.close();
    await remote?.close();
    clearTimeout(gateTimer);
    throw error;
  }
  // Every server started (a rejection was rethrown above); this narrows the types.
  if (sync === undefined || management === undefined || remote === undefined) {
    throw new Error('BUG: a server neither started nor failed');
  }
  store.start();
  const syncServer = sync.server;
  const managementServer = management.server;
  const remoteServers = remote;
  let closing: Promise<void> | undefined;
  return {
    ports: {
      sync: sync.port,
      management: management.port,
      evaluation: remote.ports.evaluation,
      ofrep: remote.ports.ofrep,
    },
    syncAddress: sync.address,
    ready,
    metrics,
    logger,
    generation: () => store.generation,
    status: () => store.status(),
    subscribe: (listener) => store.subscribe(listener),
    audit,
    close() {
      closing ??= (async () => {
        clearTimeout(gateTimer);
        await Promise.all(sources.map((s) => s.close()));
        service.closeAll();
        await Promise.all([
          remoteServers.close(),
          stopSyncServer(syncServer),
          new Promise<void>((resolve) => {
            managementServer.close(() => resolve());
            managementServer.closeAllConnections();
          }),
        ]);
        await audit.close();
      })();
      return closing;
    },
  };
}

function onStoreEvent(event: StoreEvent, logger: Logger, metrics: DaemonMetrics): void {
  switch (event.type) {
    case 'generation': {
      const g = event.generation;
      metrics.generations.inc();
      metrics.generation.set(g.number);
      metrics.flagsLoaded.set(g.flags.length);
      if (g.eventAt !== undefined)
        metrics.publishLatency.observe((g.publishedAt - g.eventAt) / 1000);
      logger.info(
        {
          generation: g.number,
          source: g.sources.join(','),
          flags: g.flags.length,
          added: short(g.changes.added),
          changed: short(g.changes.changed),
          removed: short(g.changes.removed),
          ...(g.eventAt !== undefined
            ? { latencyMs: Number((g.publishedAt - g.eventAt).toFixed(2)) }
            : {}),
        },
        `published generation ${g.number} from ${g.sources.join(', ')}: ${g.changes.added.length} added, ${g.changes.changed.length} changed, ${g.changes.removed.length} removed`,
      );
      return;
    }
    case 'problem':
      metrics.loadErrors.inc({ source: event.source, code: event.problem.code });
      logger.error(
        { source: event.source, code: event.problem.code },
        `${event.problem.message} (source ${event.source}: ${event.problem.code === 'MISSING' ? 'waiting for it to appear' : 'keeping the last good flags'})`,
      );
      return;
    case 'recovered':
      logger.info({ source: event.source }, `source ${event.source} recovered`);
      return;
    case 'warnings': {
      const u = event.update;
      const lines = u.kind === 'configuration' ? u.warnings.map(formatDiagnostic) : [];
      logger.warn(
        { source: event.source, warnings: short(lines) },
        `${lines.length} warning(s) in ${event.source}; affected flags are served as written (flagd does the same)`,
      );
      return;
    }
  }
}
