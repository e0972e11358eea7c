// The management server's routing: a table of routes, each an exact path or a path prefix, and
// one guard every non-public route passes first. The probes (/healthz, /readyz) are public so a
// kubelet needs no credentials; everything else (metrics, audit, the console and its API) is
// decided by the guard, so authentication is one function in one place.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Grant } from '../auth/access-policy.js';

export interface ManagementRequest {
  readonly raw: IncomingMessage;
  readonly method: string;
  /** The path, without the query. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Who asks and what they are served, when the guard decided with --auth-config. */
  readonly grant?: Grant | undefined;
  /**
   * Decides the request again as the guard first did (undefined: no guard): whether a response
   * that stays open (the console's events) may go on after --auth-config was reloaded.
   */
  readonly stillAllowed?: (() => Promise<boolean>) | undefined;
}

/**
 * What a route exposes, for the guard: `selected-flags` the flags of the caller's selector
 * (served as --auth-config narrows it: /flags), `all-flags` data of every flag (the default:
 * /metrics, /audit), `operator` the operator's console.
 */
export type RouteReads = 'selected-flags' | 'all-flags' | 'operator';

export type RouteHandler = (request: ManagementRequest, response: ServerResponse) => unknown;

export interface ManagementRoute {
  /** `/metrics` (exact) or `/ui/` (every path below it, when `prefix` is true). */
  readonly path: string;
  readonly prefix?: boolean;
  /** Allowed methods (default GET and HEAD). */
  readonly methods?: readonly string[];
  /** Served without the guard (the liveness and readiness probes). */
  readonly public?: boolean;
  /** What the route exposes (default `all-flags`). */
  readonly reads?: RouteReads;
  /** The selector a `selected-flags` request asks for (the `flagd-selector` header, ...). */
  readonly selector?: (request: ManagementRequest) => string | undefined;
  readonly handle: RouteHandler;
}

/** A refusal: the status and message to answer instead (401, 403, 400). */
export interface GuardRefusal {
  readonly status: number;
  readonly message: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * Decides whether a request may reach a non-public route: resolves to undefined to let it
 * through as it is, to a grant to let it through with what it is served, or to a refusal.
 */
export type ManagementGuard = (
  request: ManagementRequest,
  route: ManagementRoute,
) => Promise<GuardRefusal | { readonly grant: Grant } | undefined>;

const GET = ['GET', 'HEAD'];

export function findRoute(
  routes: readonly ManagementRoute[],
  path: string,
): ManagementRoute | undefined {
  return routes.find((r) => (r.prefix ? path.startsWith(r.path) : path === r.path));
}

export function sendText(response: ServerResponse, status: number, text: string): void {
  response
    .writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' })
    .end(`${text}\n`);
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response
    .writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
    .end(`${JSON.stringify(body)}\n`);
}

/** Routes one request: 404 for no route, 405 for a method the route does not take, the guard. */
export async function dispatch(
  routes: readonly ManagementRoute[],
  guard: ManagementGuard | undefined,
  raw: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const url = new URL(raw.url ?? '/', 'http://localhost');
  const request: ManagementRequest = {
    raw,
    method: raw.method ?? 'GET',
    path: url.pathname,
    query: url.searchParams,
  };
  const route = findRoute(routes, request.path);
  if (route === undefined) return sendText(response, 404, 'not found');
  const methods = route.methods ?? GET;
  if (!methods.includes(request.method)) {
    response.setHeader('allow', methods.join(', '));
    return sendText(response, 405, `method ${request.method} not allowed`);
  }
  if (route.public || guard === undefined) return void (await route.handle(request, response));
  const decision = await guard(request, route);
  if (decision !== undefined && 'status' in decision) {
    for (const [name, value] of Object.entries(decision.headers ?? {}))
      response.setHeader(name, value);
    return sendText(response, decision.status, decision.message);
  }
  const stillAllowed = async () => {
    const again = await guard(request, route);
    return again === undefined || !('status' in again);
  };
  await route.handle(
    decision === undefined
      ? { ...request, stillAllowed }
      : { ...request, grant: decision.grant, stillAllowed },
    response,
  );
}
