// `switchyard start` in this process on flag files: loopback, any free ports, logs dropped,
// resolved once ready. The interop tests' daemon.
import { startDaemon } from '@switchyard/daemon';
import type { Daemon, DaemonOptions } from '@switchyard/daemon';
// The daemon's logger factory with a destination that drops lines (the test package has no pino).
import { createLogger } from '../../../packages/daemon/src/logger.js';

export async function startFileDaemon(
  files: readonly string[],
  servers: Pick<DaemonOptions, 'evaluationPort' | 'ofrepPort'> = { evaluationPort: 0 },
): Promise<Daemon> {
  const daemon = await startDaemon({
    sources: files.map((file) => `file:${file}`),
    host: '127.0.0.1',
    syncPort: 0,
    managementPort: 0,
    ...servers,
    logger: createLogger({ format: 'json', destination: { write: () => true } }),
  });
  await daemon.ready;
  return daemon;
}
