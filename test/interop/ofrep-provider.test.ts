// Interop: the official @openfeature/ofrep-provider (OFREPProvider with baseUrl) evaluates every
// example flag in flags/ against `switchyard start`'s OFREP port (issue 6 "Done when"), and its
// answers equal @switchyard/core evaluating the same files in-process (same merge: later source
// wins a key), over a set of contexts.
import { join } from 'node:path';
import { OFREPProvider } from '@openfeature/ofrep-provider';
import { OpenFeature } from '@openfeature/server-sdk';
import { startDaemon } from '@switchyard/daemon';
import type { Daemon } from '@switchyard/daemon';
// The daemon's logger factory with a destination that drops lines (the test package has no pino).
import { createLogger } from '../../packages/daemon/src/logger.js';
import { describeSameAnswersAsInProcess, FLAGS_DIR, files } from './support/example-flags.js';

let daemon: Daemon;
beforeAll(async () => {
  daemon = await startDaemon({
    sources: files.map((f) => `file:${join(FLAGS_DIR, f)}`),
    host: '127.0.0.1',
    syncPort: 0,
    managementPort: 0,
    ofrepPort: 0,
    logger: createLogger({ format: 'json', destination: { write: () => true } }),
  });
  await daemon.ready;
  await OpenFeature.setProviderAndWait(
    'ofrep-interop',
    new OFREPProvider({ baseUrl: `http://127.0.0.1:${daemon.ports.ofrep}` }),
  );
});
afterAll(async () => {
  await OpenFeature.clearProviders();
  await daemon?.close();
});

describeSameAnswersAsInProcess('OFREP', 'ofrep-interop');
