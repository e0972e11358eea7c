// Where and how the sync stream connects: socketPath > targetUri > host:port, TLS from certPath.
import { readFileSync } from 'node:fs';
import { type ChannelCredentials, type ChannelOptions, credentials } from '@grpc/grpc-js';
import { ProviderOptionError } from '../errors/provider-option-error.js';
import type { ResolvedProviderOptions } from '../options.js';

export interface GrpcTarget {
  /** The grpc-js target string. */
  readonly address: string;
  /** The `:authority` override, when the target routes by authority (Envoy). */
  readonly authority: string | undefined;
}

type TargetOptions = Pick<
  ResolvedProviderOptions,
  'host' | 'port' | 'socketPath' | 'targetUri' | 'defaultAuthority'
>;

/**
 * Maps the options to a target. `envoy://host:port/authority` (flagd's custom resolver, which
 * grpc-js cannot register) becomes `host:port` with `grpc.default_authority = authority`; any
 * other targetUri (`dns:`, `unix:`, `ipv4:`, ...) goes to grpc-js unchanged.
 */
export function resolveTarget(options: TargetOptions): GrpcTarget {
  if (options.socketPath !== undefined) {
    return { address: `unix:${options.socketPath}`, authority: options.defaultAuthority };
  }
  const uri = options.targetUri;
  if (uri !== undefined) {
    const envoy = /^envoy:\/\/([^/]+)\/(.+)$/i.exec(uri);
    if (envoy) {
      const [, hostPort, authority] = envoy as unknown as [string, string, string];
      if (!/^[^:]+:\d+$/.test(hostPort) && !/^\[[^\]]+\]:\d+$/.test(hostPort)) {
        throw new ProviderOptionError('targetUri', `expected envoy://host:port/authority: ${uri}`);
      }
      return { address: hostPort, authority };
    }
    if (/^envoy:/i.test(uri)) {
      throw new ProviderOptionError('targetUri', `expected envoy://host:port/authority: ${uri}`);
    }
    return { address: uri, authority: options.defaultAuthority };
  }
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return { address: `${host}:${options.port}`, authority: options.defaultAuthority };
}

/**
 * The longest pause between two connection attempts while the server is unreachable. A refused
 * TCP connect costs the server nothing, and this pause bounds how long a provider can stay
 * behind a daemon that is back: the stream is reopened as soon as the channel connects.
 */
export const MAX_CONNECT_INTERVAL_MS = 1000;

/**
 * grpc-js's connection backoff for our retry options: it starts at retryBackoffMs and grows
 * (×1.6, ±20 % jitter, grpc-js `backoff-timeout.ts`) up to retryBackoffMaxMs, both capped at
 * {@link MAX_CONNECT_INTERVAL_MS}. grpc-js ignores 0 (it means "its default", 1 s / 120 s).
 */
export function connectionBackoff(
  options: Pick<ResolvedProviderOptions, 'retryBackoffMs' | 'retryBackoffMaxMs'>,
): { readonly initialMs: number; readonly maxMs: number } {
  const initialMs = Math.max(1, Math.min(options.retryBackoffMs, MAX_CONNECT_INTERVAL_MS));
  const maxMs = Math.max(initialMs, Math.min(options.retryBackoffMaxMs, MAX_CONNECT_INTERVAL_MS));
  return { initialMs: Math.round(initialMs), maxMs: Math.round(maxMs) };
}

/** grpc-js channel options for a target. */
export function channelOptions(
  target: GrpcTarget,
  options: Pick<
    ResolvedProviderOptions,
    'keepAliveTime' | 'retryBackoffMs' | 'retryBackoffMaxMs' | 'maxMsgSize'
  >,
): ChannelOptions {
  const backoff = connectionBackoff(options);
  const result: ChannelOptions = {
    // A sync message over it fails the stream with RESOURCE_EXHAUSTED (the daemon does not
    // publish one over its own --max-msg-size, 4 MiB by default like this).
    'grpc.max_receive_message_length': options.maxMsgSize,
    // While the server is down, the channel's connection attempts are the only retries: no
    // stream is opened until it connects (stream-retry.ts), so the two backoffs never stack.
    'grpc.initial_reconnect_backoff_ms': backoff.initialMs,
    'grpc.max_reconnect_backoff_ms': backoff.maxMs,
    // Our reconnect loop is the retry policy; a transparent per-call retry would hide errors.
    'grpc.enable_retries': 0,
  };
  if (target.authority !== undefined) result['grpc.default_authority'] = target.authority;
  if (options.keepAliveTime > 0) {
    result['grpc.keepalive_time_ms'] = options.keepAliveTime;
    result['grpc.keepalive_permit_without_calls'] = 1;
  }
  return result;
}

/**
 * Channel credentials. A certPath that cannot be read is an error (the official provider
 * silently falls back to the system roots, which hides a misconfiguration).
 */
export function channelCredentials(
  options: Pick<ResolvedProviderOptions, 'tls' | 'certPath'>,
): ChannelCredentials {
  if (!options.tls) return credentials.createInsecure();
  if (options.certPath === undefined) return credentials.createSsl();
  let ca: Buffer;
  try {
    ca = readFileSync(options.certPath);
  } catch (error) {
    throw new ProviderOptionError(
      'certPath',
      `cannot read ${options.certPath}: ${(error as Error).message}`,
    );
  }
  return credentials.createSsl(ca);
}
