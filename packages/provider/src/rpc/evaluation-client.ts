// The grpc-js client of RPC mode: flagd.evaluation.v2 (as the official JS provider uses) on the
// target the connection options name (socketPath > targetUri > host:port), TLS from certPath,
// the channel options of in-process mode (connection backoff, keepalive, authority).
import { EvaluationV2ServiceClient } from '@switchyard/protocol';
import type { ResolvedProviderOptions } from '../options.js';
import { channelCredentials, channelOptions } from '@switchyard/sources';
import { resolveTarget } from '../sources/grpc-target.js';

export type EvaluationClient = InstanceType<typeof EvaluationV2ServiceClient>;

/** @throws UsageError when certPath cannot be read (RPC mode turns it into FATAL). */
export function createEvaluationClient(options: ResolvedProviderOptions): EvaluationClient {
  const target = resolveTarget(options);
  return new EvaluationV2ServiceClient(
    target.address,
    channelCredentials(options),
    channelOptions(target, options),
  );
}
