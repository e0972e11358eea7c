// How a sync stream's channel connects: the grpc-js target (flagd's URI forms), the connection
// backoff, keepalive, the receive limit and TLS. Shared by the daemon's `grpc` source and the
// provider's in-process resolver.
import { readFileSync } from 'node:fs';
import { type ChannelCredentials, type ChannelOptions, credentials } from '@grpc/grpc-js';
import { UsageError } from '@switchyard/core';

export interface GrpcTarget {
  /** The grpc-js target string. */
  readonly address: string;
  /** The `:authority` override, when the target routes by authority (Envoy). */
  readonly authority: string | undefined;
}

const HOST_PORT = /^(?:[^:/[\]]+|\[[^\]]+\]):\d+$/;

/**
 * A target from one of flagd's gRPC URI forms (open-feature/flagd:core/pkg/sync/builder/utils.go):
 * `grpc://host:port` and `grpcs://host:port` (the prefix is stripped), a bare `host:port`,
 * `envoy://host:port/authority` (flagd's custom resolver, which grpc-js cannot register: it
 * becomes `host:port` with `grpc.default_authority = authority`), and any target grpc-js resolves
 * itself (`dns:`, `unix:`, `ipv4:`, ...). Returns why `uri` is unusable instead, as text.
 */
export function grpcTarget(uri: string, defaultAuthority?: string): GrpcTarget | string {
  const stripped = uri.replace(/^grpcs?:\/\//i, '');
  const envoy = /^envoy:\/\/([^/]+)\/(.+)$/i.exec(stripped);
  if (envoy) {
    const [, hostPort, authority] = envoy as unknown as [string, string, string];
    if (!HOST_PORT.test(hostPort)) return `expected envoy://host:port/authority: ${uri}`;
    return { address: hostPort, authority };
  }
  if (/^envoy:/i.test(stripped)) return `expected envoy://host:port/authority: ${uri}`;
  if (stripped === '') return `"${uri}" names no address`;
  return { address: stripped, authority: defaultAuthority };
}

/**
 * The longest pause between two connection attempts while the server is unreachable. A refused
 * TCP connect costs the server nothing, and this pause bounds how long a client can stay
 * behind a daemon that is back: the stream is reopened as soon as the channel connects.
 */
export const MAX_CONNECT_INTERVAL_MS = 1000;

/** The two delays of the reconnect policy (docs/adr/0014, docs/adr/0020). */
export interface RetryTiming {
  /** First delay of the stream backoff and first pause between connection attempts. */
  readonly retryBackoffMs: number;
  /** Cap of the stream backoff (connection attempts pause at most min(this, 1 s)). */
  readonly retryBackoffMaxMs: number;
}

/**
 * grpc-js's connection backoff for our retry options: it starts at retryBackoffMs and grows
 * (×1.6, ±20 % jitter, grpc-js `backoff-timeout.ts`) up to retryBackoffMaxMs, both capped at
 * {@link MAX_CONNECT_INTERVAL_MS}. grpc-js ignores 0 (it means "its default", 1 s / 120 s).
 */
export function connectionBackoff(options: RetryTiming): {
  readonly initialMs: number;
  readonly maxMs: number;
} {
  const initialMs = Math.max(1, Math.min(options.retryBackoffMs, MAX_CONNECT_INTERVAL_MS));
  const maxMs = Math.max(initialMs, Math.min(options.retryBackoffMaxMs, MAX_CONNECT_INTERVAL_MS));
  return { initialMs: Math.round(initialMs), maxMs: Math.round(maxMs) };
}

export interface ChannelSettings extends RetryTiming {
  /** HTTP/2 keepalive ping interval in ms (0 = off). */
  readonly keepAliveTime: number;
  /** Largest message received, in bytes (flagd's `maxMsgSize`); undefined = grpc-js's 4 MB. */
  readonly maxMsgSize?: number | undefined;
}

/** grpc-js channel options for a target. */
export function channelOptions(target: GrpcTarget, options: ChannelSettings): ChannelOptions {
  const backoff = connectionBackoff(options);
  const result: ChannelOptions = {
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
  if (options.maxMsgSize !== undefined) {
    result['grpc.max_receive_message_length'] = options.maxMsgSize;
  }
  return result;
}

/** TLS of a channel: off, the system roots, or the CA certificate (PEM) at certPath. */
export interface ChannelTls {
  readonly tls: boolean;
  readonly certPath?: string | undefined;
}

/**
 * Channel credentials. A certPath that cannot be read is an error (the official provider
 * silently falls back to the system roots, which hides a misconfiguration).
 */
export function channelCredentials(options: ChannelTls): ChannelCredentials {
  if (!options.tls) return credentials.createInsecure();
  if (options.certPath === undefined || options.certPath === '') return credentials.createSsl();
  let ca: Buffer;
  try {
    ca = readFileSync(options.certPath);
  } catch (error) {
    throw new UsageError(`certPath: cannot read ${options.certPath}: ${(error as Error).message}`);
  }
  return credentials.createSsl(ca);
}
