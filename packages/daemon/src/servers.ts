// Starting and stopping everything that listens or watches, together: the sync server, the
// management server, the remote evaluation servers and the sources. Sources load while the
// servers bind; if any of them fails, everything that did start is stopped again, so a failed
// start leaves no port bound and no watcher running.
import { FlagSyncServiceDefinition, UsageServiceDefinition } from '@switchyard/protocol';
import type { UntypedServiceImplementation } from '@grpc/grpc-js';
import type { AccessPolicy } from './auth/access-policy.js';
import { authGuard } from './management/auth-guard.js';
import type { FlagSource } from '@switchyard/sources';
import type { AuditView } from '@switchyard/gitops';
import type { DaemonOptions } from './daemon.js';
import { stopGrpcServer } from './grpc-listen.js';
import type { Bound } from './grpc-listen.js';
import type { HealthReport } from './health/health-report.js';
import type { Logger } from './logger.js';
import { startManagementServer } from './management/management-server.js';
import type { ManagementServer } from './management/management-server.js';
import type { ManagementGuard, ManagementRoute } from './management/routes.js';
import { socketSubject } from './auth/credentials.js';
import type { DaemonMetrics } from './metrics.js';
import { contextLimits } from './remote/context-limits.js';
import { DEFAULT_REQUEST_LIMIT, startRemote } from './remote/remote.js';
import type { Remote } from './remote/remote.js';
import type { GenerationStore } from './store/generation-store.js';
import { startSyncServer } from './sync/sync-server.js';
import { tracedApply } from './telemetry/generation-spans.js';
import { requestSerializers, rpcMetricsInterceptor } from './telemetry/rpc-metrics.js';
import type { Tracing } from './telemetry/tracing.js';
import type { SyncService } from './sync/sync-service.js';
import { DEFAULT_TLS_PORTS } from './tls/server-tls.js';
import type { ServerTls, TlsPort } from './tls/server-tls.js';

/** The TLS of `port`: the daemon's when --tls-ports names it, else none. */
/** The sync port's request serializers (rpc.server.request.size). */
const SYNC_REQUEST_SERIALIZERS = requestSerializers(
  FlagSyncServiceDefinition,
  UsageServiceDefinition,
);

function tlsOf(init: ServersInit, port: TlsPort): ServerTls | undefined {
  return (init.options.tlsPorts ?? DEFAULT_TLS_PORTS).includes(port) ? init.tls : undefined;
}

export interface ServersInit {
  readonly options: DaemonOptions;
  readonly store: GenerationStore;
  readonly sync: SyncService;
  readonly sources: readonly FlagSource[];
  readonly health: () => HealthReport;
  /** When readiness may have changed (gRPC health Watch). */
  readonly healthChanges: (listener: () => void) => () => void;
  readonly metrics: DaemonMetrics;
  readonly audit: AuditView;
  readonly logger: Logger;
  /** The console's routes on the management port. */
  readonly consoleRoutes: readonly ManagementRoute[];
  /** switchyard.usage.v1 on the sync port. */
  readonly usage: UntypedServiceImplementation;
  /** TLS of the ports --tls-ports names (undefined: plaintext everywhere). */
  readonly tls: ServerTls | undefined;
  /** --auth-config on every port (undefined: everyone reads everything). */
  readonly access: AccessPolicy | undefined;
  /** Spans, when traces are exported. */
  readonly tracing: Tracing | undefined;
}

export interface Servers {
  readonly sync: Bound;
  readonly management: ManagementServer;
  readonly remote: Remote;
  /** Stops the sources, ends every stream and closes every server. */
  close(): Promise<void>;
}

function startRemoteServers(init: ServersInit): Promise<Remote> {
  const { options, store, logger, metrics, tracing, access } = init;
  return startRemote({
    store,
    host: options.host ?? '0.0.0.0',
    tls: { evaluation: tlsOf(init, 'evaluation'), ofrep: tlsOf(init, 'ofrep') },
    access,
    evaluationPort: options.evaluationPort,
    socketPath: options.socketPath,
    ofrepPort: options.ofrepPort,
    contextValues: options.contextValues ?? {},
    contextFromHeaders: options.contextFromHeaders ?? {},
    corsOrigins: options.corsOrigins ?? [],
    maxRequestBody: options.maxRequestBody ?? DEFAULT_REQUEST_LIMIT,
    maxRequestHeader: options.maxRequestHeader ?? DEFAULT_REQUEST_LIMIT,
    contextLimits: contextLimits({
      maxDepth: options.maxContextDepth,
      maxKeys: options.maxContextKeys,
    }),
    keepAliveMs: options.eventKeepAliveMs ?? 0,
    streamDeadlineMs: options.streamDeadlineMs ?? 0,
    stallMs: options.streamStallMs,
    onStall: (ms) => {
      metrics.stalledStreams.add(1, { service: 'event' });
      logger.warn(
        { stalledMs: Math.round(ms) },
        'event stream reset: the client took no message for too long (it reconnects)',
      );
    },
    ...(options.interceptors ? { interceptors: options.interceptors } : {}),
    logger,
    telemetry:
      options.telemetry?.requestMetrics === false
        ? tracing
          ? { evaluations: undefined, http: undefined, rpc: undefined, tracing }
          : undefined
        : { evaluations: metrics.evaluations, http: metrics.http, rpc: metrics.rpc, tracing },
  });
}

/**
 * The management server's guard: --auth-config's (auth-guard.ts), else an embedder's; with only
 * --client-ca-path, a verified client certificate (non-probe routes of a port whose handshake
 * lets a kubelet in without one).
 */
function managementGuard(init: ServersInit): ManagementGuard | undefined {
  const { options, access } = init;
  const tls = tlsOf(init, 'management');
  if (access !== undefined) return authGuard(access);
  if (options.managementGuard !== undefined || !tls?.verifiesClients)
    return options.managementGuard;
  return async (request) =>
    socketSubject(request.raw.socket) === undefined
      ? {
          status: 401,
          message: 'this port requires a client certificate signed by --client-ca-path',
        }
      : undefined;
}

/** Binds every server and starts every source, concurrently. */
export async function startServers(init: ServersInit): Promise<Servers> {
  const { options, store } = init;
  const host = options.host ?? '0.0.0.0';
  // allSettled, not all: when one server fails to start, the ones that did start must be
  // closed too (Promise.all would leave them listening, unreferenced).
  const [sync, management, remote, sources] = await Promise.allSettled([
    startSyncServer(init.sync, {
      host,
      port: options.syncPort ?? 8015,
      socketPath: options.syncSocketPath,
      tls: tlsOf(init, 'sync'),
      usage: init.usage,
      interceptors:
        options.telemetry?.requestMetrics === false
          ? []
          : [rpcMetricsInterceptor(init.metrics.rpc, SYNC_REQUEST_SERIALIZERS)],
    }),
    startManagementServer({
      host,
      port: options.managementPort ?? 8014,
      health: init.health,
      healthChanges: init.healthChanges,
      metrics: init.metrics,
      audit: init.audit,
      store,
      routes: init.consoleRoutes,
      guard: managementGuard(init),
      tls: tlsOf(init, 'management'),
    }),
    startRemoteServers(init),
    Promise.all(init.sources.map((source) => source.start(tracedApply(init.tracing, store)))),
  ]);
  const closeSources = () => Promise.all(init.sources.map((s) => s.close()));
  if (
    sync.status === 'rejected' ||
    management.status === 'rejected' ||
    remote.status === 'rejected' ||
    sources.status === 'rejected'
  ) {
    await closeSources();
    if (sync.status === 'fulfilled') sync.value.server.forceShutdown();
    if (management.status === 'fulfilled') await management.value.close();
    if (remote.status === 'fulfilled') await remote.value.close();
    const failed = [sync, management, remote, sources].find((r) => r.status === 'rejected');
    throw (failed as PromiseRejectedResult).reason;
  }
  return {
    sync: sync.value,
    management: management.value,
    remote: remote.value,
    async close() {
      await closeSources();
      init.sync.closeAll();
      await Promise.all([
        remote.value.close(),
        stopGrpcServer(sync.value.server),
        management.value.close(),
      ]);
    },
  };
}
