// Interop: the official @openfeature/flagd-provider in RPC mode (flagd.evaluation.v2, cache off)
// evaluates every example flag in flags/ against `switchyard start`'s --port, and its answers equal
// @switchyard/core evaluating the same files in-process (same merge: later source wins a key), over
// a set of contexts: remote and in-process answers are identical.
import { FlagdProvider } from '@openfeature/flagd-provider';
import { OpenFeature } from '@openfeature/server-sdk';
import type { Daemon } from '@switchyard/daemon';
import { describeSameAnswersAsInProcess, startExampleDaemon } from './support/example-flags.js';

let daemon: Daemon;
let provider: FlagdProvider;
beforeAll(async () => {
  daemon = await startExampleDaemon({ evaluationPort: 0 });
  provider = new FlagdProvider({
    resolverType: 'rpc',
    host: '127.0.0.1',
    port: daemon.ports.evaluation!,
    cache: 'disabled',
  });
  await OpenFeature.setProviderAndWait('rpc-interop', provider);
});
afterAll(async () => {
  // 0.16.1 reschedules reconnects of a closed client forever (grpc-fetch.ts): cut the loop.
  const service = (provider as unknown as { _service?: { reconnect?: unknown } })._service;
  if (service && typeof service.reconnect === 'function') service.reconnect = () => {};
  await OpenFeature.clearProviders();
  await daemon?.close();
});

describeSameAnswersAsInProcess('RPC', 'rpc-interop');
