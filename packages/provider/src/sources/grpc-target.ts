// Where the provider's sync stream connects: socketPath > targetUri > host:port. The URI forms
// (envoy://, grpc://, dns:, ...) are read by @switchyard/sources, as for the daemon's grpc source.
import { grpcTarget } from '@switchyard/sources';
import type { GrpcTarget } from '@switchyard/sources';
import { ProviderOptionError } from '../errors/provider-option-error.js';
import type { ResolvedProviderOptions } from '../options.js';

type TargetOptions = Pick<
  ResolvedProviderOptions,
  'host' | 'port' | 'socketPath' | 'targetUri' | 'defaultAuthority'
>;

/** Maps the options to a target; an unusable targetUri is a ProviderOptionError. */
export function resolveTarget(options: TargetOptions): GrpcTarget {
  if (options.socketPath !== undefined) {
    return { address: `unix:${options.socketPath}`, authority: options.defaultAuthority };
  }
  if (options.targetUri !== undefined) {
    const target = grpcTarget(options.targetUri, options.defaultAuthority);
    if (typeof target === 'string') throw new ProviderOptionError('targetUri', target);
    return target;
  }
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return { address: `${host}:${options.port}`, authority: options.defaultAuthority };
}
