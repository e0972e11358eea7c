// grpc.health.v1 on the management port, as flagd serves it there (open-feature/flagd:
// flagd/pkg/service/flag-evaluation/connect_service.go, startMetricsServer). flagd's health
// server never sets a status, so it answers SERVING for "" from start to end; here "" and each
// served service name follow readiness exactly like /readyz: SERVING while flags are served
// (`ok` or `degraded`), NOT_SERVING while `starting` or `unavailable` and once shutting down
// (docs/adr/0033). Unknown names: NOT_FOUND from Check, SERVICE_UNKNOWN from Watch (the
// protocol's rules, https://github.com/grpc/grpc/blob/master/doc/health-checking.md).
import { Code, ConnectError } from '@connectrpc/connect';
import type { ConnectRouter, HandlerContext } from '@connectrpc/connect';
import { healthV1 } from '@switchyard/protocol';

const ServingStatus = healthV1.HealthCheckResponse_ServingStatus;

export interface HealthSource {
  /** Whether flags are served (what makes /readyz 200). */
  ready(): boolean;
  /** Calls `listener` whenever readiness may have changed; returns the unsubscribe. */
  subscribe(listener: () => void): () => void;
}

/** The service names health answers for, besides "" (the server as a whole). */
export const HEALTH_SERVICES = [
  'flagd.evaluation.v1.Service',
  'flagd.evaluation.v2.Service',
  'flagd.sync.v1.FlagSyncService',
] as const;

export interface GrpcHealth {
  readonly routes: (router: ConnectRouter) => void;
  /** NOT_SERVING to every watcher, then their streams end. */
  shutdown(): void;
}

export function grpcHealth(source: HealthSource, services: readonly string[]): GrpcHealth {
  const known = new Set(['', ...services]);
  let shuttingDown = false;
  const shutdownListeners = new Set<() => void>();
  const statusOf = (service: string) => {
    if (!known.has(service)) return ServingStatus.SERVICE_UNKNOWN;
    return !shuttingDown && source.ready() ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
  };
  async function* watch(request: { service: string }, context: HandlerContext) {
    let wake: (() => void) | undefined;
    const nudge = () => wake?.();
    const unsubscribe = source.subscribe(nudge);
    shutdownListeners.add(nudge);
    context.signal.addEventListener('abort', nudge);
    try {
      let last: healthV1.HealthCheckResponse_ServingStatus | undefined;
      for (;;) {
        const status = statusOf(request.service);
        if (status !== last) yield { status };
        last = status;
        if (shuttingDown || context.signal.aborted) return;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    } finally {
      unsubscribe();
      shutdownListeners.delete(nudge);
      context.signal.removeEventListener('abort', nudge);
    }
  }
  return {
    routes(router) {
      router.service(healthV1.Health, {
        check(request) {
          if (!known.has(request.service)) {
            throw new ConnectError(
              `unknown service ${JSON.stringify(request.service)}`,
              Code.NotFound,
            );
          }
          return { status: statusOf(request.service) };
        },
        watch,
      });
    },
    shutdown() {
      shuttingDown = true;
      for (const listener of [...shutdownListeners]) listener();
    },
  };
}
