// What every protocol on the evaluation port hands the one evaluation service: the call (which
// protocol, which method, its headers) and, back, an outcome (a value or a failure with a status).
// Interceptors run around every call of every protocol — unary and EventStream, gRPC, gRPC-Web
// and Connect alike — so per-request concerns (authentication, tracing, metrics) hook in once.
import type { CertificateSubject } from '../auth/access-policy.js';
import type { HeaderReader } from './context.js';
import type { CallFailure } from './status.js';

export type Protocol = 'grpc' | 'grpc-web' | 'connect';

export interface CallInfo {
  readonly protocol: Protocol;
  /** `flagd.evaluation.v1.Service` or `flagd.evaluation.v2.Service`. */
  readonly service: string;
  /** The method name as in the proto (`ResolveBoolean`, `EventStream`, ...). */
  readonly method: string;
  /** Request headers (gRPC metadata), lower-case names. */
  readonly header: HeaderReader;
  /** The client certificate TLS verified (--client-ca-path), read only when it is needed. */
  readonly certificate?: (() => CertificateSubject | undefined) | undefined;
  /** The connection (socket) the call came on, when the protocol's layer knows it. */
  readonly connection?: object | undefined;
  /** The request message's size as received, when the transport knows it (rpc metrics). */
  readonly requestBytes?: number | undefined;
  /** The size of an answer in the transport's encoding, when it is at hand (rpc metrics). */
  readonly responseBytes?: ((value: unknown) => number | undefined) | undefined;
}

export type Outcome<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly failure: CallFailure };

/**
 * Runs around a call: returns `next()` (possibly after recording it) or a failure of its own
 * (e.g. UNAUTHENTICATED). Synchronous by design: evaluation never waits on I/O, so a check that
 * needs remote data (keys, policies) keeps it in memory and refreshes it in the background.
 */
export type CallInterceptor = <T>(call: CallInfo, next: () => Outcome<T>) => Outcome<T>;

export const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });
export const failed = <T>(failure: CallFailure): Outcome<T> => ({ ok: false, failure });

/** Runs `run` inside the interceptors, the first one outermost. */
export function intercept<T>(
  interceptors: readonly CallInterceptor[],
  call: CallInfo,
  run: () => Outcome<T>,
): Outcome<T> {
  if (interceptors.length === 0) return run();
  const at = (i: number): Outcome<T> =>
    i === interceptors.length ? run() : interceptors[i]!(call, () => at(i + 1));
  return at(0);
}
