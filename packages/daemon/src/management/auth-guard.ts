// The management server's guard with --auth-config (routes.ts runs it before every route but the
// probes): the caller is authenticated by access-policy.ts, then each route is decided by what
// it exposes. /flags serves the flags of the caller's selector as for sync; /metrics and /audit
// need a client that reads every flag (`*`); the console needs an operator. Refusals are 401
// (with `www-authenticate: Bearer`) or 403, with no flag data.
import { refused } from '../auth/access-policy.js';
import type { AccessError, AccessPolicy } from '../auth/access-policy.js';
import { httpCredentials } from '../auth/credentials.js';
import { ERROR_CODES } from '../engine.js';
import { InvalidSelectorError } from '../errors/invalid-selector-error.js';
import { parseSelector } from '../store/selector.js';
import type { GuardRefusal, ManagementGuard } from './routes.js';

function refusal(error: AccessError | InvalidSelectorError): GuardRefusal {
  const status = ERROR_CODES[error.code].httpStatus;
  return {
    status,
    message: error.message,
    ...(status === 401 ? { headers: { 'www-authenticate': 'Bearer' } } : {}),
  };
}

export function authGuard(access: AccessPolicy): ManagementGuard {
  return async (request, route) => {
    const credentials = httpCredentials(request.raw);
    const reads = route.reads ?? 'all-flags';
    if (reads === 'selected-flags') {
      let requested: ReturnType<typeof parseSelector>;
      try {
        requested = parseSelector(route.selector?.(request));
      } catch (error) {
        if (!(error instanceof InvalidSelectorError)) throw error;
        const client = access.authenticate(credentials, 'management');
        return refusal(refused(client) ? client : error);
      }
      const grant = access.authorize(credentials, requested, 'management');
      return refused(grant) ? refusal(grant) : { grant };
    }
    const client = access.authenticate(credentials, 'management');
    if (refused(client)) return refusal(client);
    const denied =
      reads === 'operator'
        ? access.requireOperator(client, `the console (${request.path})`, 'management')
        : access.requireAllFlags(client, request.path, 'management');
    if (denied !== undefined) return refusal(denied);
    return { grant: { client, selector: client.selector } };
  };
}
