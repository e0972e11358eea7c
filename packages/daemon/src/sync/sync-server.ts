// The grpc-js server for flagd.sync.v1 (and switchyard.usage.v1) on --sync-port (or
// --sync-socket-path), plain or TLS.
import { Server } from '@grpc/grpc-js';
import type { ServerInterceptor, ServiceDefinition } from '@grpc/grpc-js';
import type { UntypedServiceImplementation } from '@grpc/grpc-js';
import { FlagSyncServiceDefinition, UsageServiceDefinition } from '@switchyard/protocol';
import { listen } from '../grpc-listen.js';
import type { Bound, ListenOptions } from '../grpc-listen.js';
import type { SyncService } from './sync-service.js';

/**
 * Server options. flagd enforces keepalive with MinTime 30 s and PermitWithoutStream true, and
 * the grpc-go default (5 min) made official providers get GOAWAY ENHANCE_YOUR_CALM every 60-90 s
 * (flagd #1998). grpc-js servers never police client pings (there is no ping-strike logic in
 * grpc-js 1.14), so pings every 30 s, with or without streams, are always accepted; the keys below
 * state the same policy for grpc implementations that read them. The server sends no pings of its
 * own and sets no connection age or idle limit, like flagd.
 */
export const SYNC_SERVER_OPTIONS = {
  'grpc.keepalive_permit_without_calls': 1,
  'grpc.http2.min_ping_interval_without_data_ms': 30_000,
  'grpc.http2.min_time_between_pings_ms': 30_000,
  'grpc.http2.max_ping_strikes': 0,
  // Payloads of large flag sets exceed the 4 MB default receive limit of some clients, not ours.
  'grpc.max_send_message_length': -1,
  // No channelz service is served: its per-connection and per-call bookkeeping is pure cost
  // (~4 % of the daemon's busy CPU samples in a 5,000-stream bench run, spent as streams opened).
  'grpc.enable_channelz': 0,
} as const;

export type SyncServerOptions = ListenOptions;

/**
 * Serves flagd.sync.v1 and, beside it, switchyard.usage.v1 (the evaluation counts providers
 * report to the daemon they sync from, docs/adr/0029).
 */
export async function startSyncServer(
  service: SyncService,
  options: SyncServerOptions & {
    readonly usage?: UntypedServiceImplementation;
    /** rpc.server.* metrics (telemetry/rpc-metrics.ts). */
    readonly interceptors?: readonly ServerInterceptor[];
  },
): Promise<Bound> {
  const server = new Server({
    ...SYNC_SERVER_OPTIONS,
    ...(options.interceptors ? { interceptors: [...options.interceptors] } : {}),
  });
  server.addService(
    FlagSyncServiceDefinition as unknown as ServiceDefinition,
    service.implementation(),
  );
  if (options.usage !== undefined) {
    server.addService(UsageServiceDefinition as unknown as ServiceDefinition, options.usage);
  }
  return listen(server, options);
}
