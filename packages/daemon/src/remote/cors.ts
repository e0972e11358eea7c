// --cors-origin/-C for the OFREP port (flagd: `*` allows every origin). Allowed origins get
// Access-Control-Allow-Origin on every response (and ETag exposed, so browsers can revalidate);
// preflight OPTIONS requests are answered with 204.
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';

export interface Cors {
  /** Headers for a response to a request from `origin` (undefined when not allowed). */
  headers(origin: string | undefined): OutgoingHttpHeaders | undefined;
  /** Headers of the 204 answer to a preflight request. */
  preflight(req: IncomingMessage): OutgoingHttpHeaders;
}

export function cors(origins: readonly string[]): Cors {
  const any = origins.includes('*');
  const allowed = new Set(origins);
  const headers = (origin: string | undefined): OutgoingHttpHeaders | undefined => {
    if (origin === undefined || !(any || allowed.has(origin))) return undefined;
    return {
      'access-control-allow-origin': any ? '*' : origin,
      'access-control-expose-headers': 'ETag',
      vary: 'Origin',
    };
  };
  return {
    headers,
    preflight(req) {
      const base = headers(req.headers.origin);
      if (base === undefined) return { vary: 'Origin' };
      const requested = req.headers['access-control-request-headers'];
      return {
        ...base,
        'access-control-allow-methods': 'POST, OPTIONS',
        'access-control-allow-headers': requested ?? 'Content-Type, If-None-Match, Flagd-Selector',
        'access-control-max-age': '600',
      };
    },
  };
}
