// Interop: the official @openfeature/ofrep-provider (OFREPProvider with baseUrl) evaluates every
// example flag in flags/ against `switchyard start`'s OFREP port, and its
// answers equal @switchyard/core evaluating the same files in-process (same merge: later source
// wins a key), over a set of contexts.
import { OFREPProvider } from '@openfeature/ofrep-provider';
import { OpenFeature } from '@openfeature/server-sdk';
import type { Daemon } from '@switchyard/daemon';
import { describeSameAnswersAsInProcess, startExampleDaemon } from './support/example-flags.js';

let daemon: Daemon;
beforeAll(async () => {
  daemon = await startExampleDaemon({ ofrepPort: 0 });
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
