// --cors-origin/-C (flagd: `*` allows every origin). Allowed origins get
// Access-Control-Allow-Origin on every response (plus the headers the protocol's clients must
// read); preflight OPTIONS requests are answered with 204. Two policies: OFREP's (ETag exposed,
// so browsers can revalidate) and the evaluation port's, which exposes what Connect and
// gRPC-Web clients read, as flagd's rs/cors configuration does (open-feature/flagd:
// flagd/pkg/service/middleware/cors/cors.go).
import type { OutgoingHttpHeaders } from 'node:http';

export interface CorsPolicy {
  readonly methods: string;
  /** Answered when a preflight names no headers. */
  readonly allowHeaders: string;
  readonly exposeHeaders: string;
}

export const OFREP_CORS: CorsPolicy = {
  methods: 'POST, OPTIONS',
  allowHeaders: 'Content-Type, If-None-Match, Flagd-Selector',
  exposeHeaders: 'ETag',
};

export const EVALUATION_CORS: CorsPolicy = {
  methods: 'HEAD, GET, POST, PUT, PATCH, DELETE',
  allowHeaders: '*',
  exposeHeaders: [
    'Accept',
    'Accept-Encoding',
    'Accept-Post',
    'Connect-Accept-Encoding',
    'Connect-Content-Encoding',
    'Content-Encoding',
    'Grpc-Accept-Encoding',
    'Grpc-Encoding',
    'Grpc-Message',
    'Grpc-Status',
    'Grpc-Status-Details-Bin',
  ].join(', '),
};

export interface Cors {
  /** False when no origin is allowed (no CORS handling at all). */
  readonly enabled: boolean;
  /** Headers for a response to a request from `origin` (undefined when not allowed). */
  headers(origin: string | undefined): OutgoingHttpHeaders | undefined;
  /** Headers of the 204 answer to a preflight request. */
  preflight(origin: string | undefined, requestedHeaders: string | undefined): OutgoingHttpHeaders;
}

export function cors(origins: readonly string[], policy: CorsPolicy = OFREP_CORS): Cors {
  const any = origins.includes('*');
  const allowed = new Set(origins);
  const headers = (origin: string | undefined): OutgoingHttpHeaders | undefined => {
    if (origin === undefined || !(any || allowed.has(origin))) return undefined;
    return {
      'access-control-allow-origin': any ? '*' : origin,
      'access-control-expose-headers': policy.exposeHeaders,
      vary: 'Origin',
    };
  };
  return {
    enabled: origins.length > 0,
    headers,
    preflight(origin, requestedHeaders) {
      const base = headers(origin);
      if (base === undefined) return { vary: 'Origin' };
      return {
        ...base,
        'access-control-allow-methods': policy.methods,
        'access-control-allow-headers': requestedHeaders ?? policy.allowHeaders,
        'access-control-max-age': '600',
      };
    },
  };
}
