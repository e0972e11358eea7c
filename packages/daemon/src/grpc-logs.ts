// grpc-js logs through one process-wide logger, console.error by default: a port already in use
// printed "E No address added out of total 1 resolved" before the daemon's own StartupError,
// which already carries that text. The CLI owns its process, so it hands grpc-js's log lines to
// the daemon's logger at debug level (`--debug` shows them; GRPC_VERBOSITY still selects which
// lines grpc-js emits). Embedders keep whatever grpc-js logging they configured.
import { format } from 'node:util';
import { setLogger } from '@grpc/grpc-js';
import type { Logger } from './logger.js';

export function routeGrpcLogs(logger: Logger): void {
  const forward = (...args: unknown[]) => logger.debug({ component: 'grpc-js' }, format(...args));
  setLogger({ error: forward, info: forward, debug: forward });
}
