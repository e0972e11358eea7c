// GET /flags on the management port: the daemon's current flag configuration for a selector,
// as plain HTTP (docs/adr/0026), so one daemon can feed another (`--uri http://root:8014/flags`)
// or any flagd `http` source, directly or through HTTP caches. The body is the view's
// flag_configuration JSON, the same bytes SyncFlags and FetchAllFlags send for that selector
// (built once per view and generation); the strong ETag is a hash of those bytes, so it is equal
// across replicas and restarts serving the same flags, and a matching If-None-Match is a 304.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { InvalidSelectorError } from '../errors/invalid-selector-error.js';
import { etagOf, matchesIfNoneMatch } from '../remote/ofrep-body.js';
import { cacheSlot } from '../store/cache-slot.js';
import type { GenerationStore } from '../store/generation-store.js';
import { parseSelector } from '../store/selector.js';
import type { FlagView } from '../store/view.js';
import { flagConfigurationJson } from '../sync/flag-configuration.js';

export const FLAGS_PATH = '/flags';

interface Representation {
  readonly body: Buffer;
  readonly etag: string;
}

const gzipAsync = promisify(gzip);

/** Bodies smaller than this are sent as they are: compressing them saves nothing worth a CPU. */
const GZIP_MIN_BYTES = 1024;

const IDENTITY = cacheSlot<FlagView, Representation>('http:flags', (view) => {
  const body = Buffer.from(flagConfigurationJson(view));
  return { body, etag: etagOf(body) };
});

/** Compressed off the event loop, once per view; its ETag differs (RFC 9110 §8.8.3). */
const GZIPPED = cacheSlot<FlagView, Promise<Representation>>('http:flags.gz', async (view) => {
  const identity = view.cached(IDENTITY);
  const body = await gzipAsync(identity.body);
  return { body, etag: `${identity.etag.slice(0, -1)}.gz"` };
});

/** Whether Accept-Encoding allows gzip: listed (or `*`) with a q-value above 0. */
function acceptsGzip(request: IncomingMessage): boolean {
  const weights = new Map<string, number>();
  for (const part of (request.headers['accept-encoding'] ?? '').split(',')) {
    const [name = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    weights.set(name, q === undefined ? 1 : Number(q.slice(2)) || 0);
  }
  return (weights.get('gzip') ?? weights.get('*') ?? 0) > 0;
}

function fail(response: ServerResponse, status: number, message: string, extra = {}): void {
  response.writeHead(status, { 'content-type': 'text/plain', ...extra }).end(`${message}\n`);
}

/** The selector of a request: the `Flagd-Selector` header beats `?selector=` (as on gRPC). */
function selectorText(request: IncomingMessage): string | undefined {
  const header = request.headers['flagd-selector'];
  if (typeof header === 'string') return header;
  return new URL(request.url ?? '/', 'http://localhost').searchParams.get('selector') ?? undefined;
}

async function representation(
  view: FlagView,
  request: IncomingMessage,
): Promise<Representation & { gzip: boolean }> {
  const identity = view.cached(IDENTITY);
  if (identity.body.byteLength < GZIP_MIN_BYTES || !acceptsGzip(request)) {
    return { ...identity, gzip: false };
  }
  return { ...(await view.cached(GZIPPED)), gzip: true };
}

/** Answers GET and HEAD of FLAGS_PATH. */
export async function serveFlags(
  store: GenerationStore,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    fail(response, 405, 'use GET or HEAD', { allow: 'GET, HEAD' });
    return;
  }
  let view: FlagView;
  try {
    const generation = store.generation;
    if (generation === undefined) {
      // An empty configuration would tell a follower that every flag was deleted (docs/adr/0021).
      fail(response, 503, 'no flag source has usable content yet; see /readyz', {
        'retry-after': '1',
      });
      return;
    }
    view = generation.view(parseSelector(selectorText(request)));
  } catch (error) {
    if (!(error instanceof InvalidSelectorError)) throw error;
    fail(response, 400, error.message);
    return;
  }
  const chosen = await representation(view, request);
  const headers = {
    etag: chosen.etag,
    'cache-control': 'no-cache',
    vary: 'Flagd-Selector, Accept-Encoding',
  };
  const header = request.headers['if-none-match'];
  const identityTag = view.cached(IDENTITY).etag;
  if (matchesIfNoneMatch(header, chosen.etag) || matchesIfNoneMatch(header, identityTag)) {
    response.writeHead(304, headers).end();
    return;
  }
  response.writeHead(200, {
    ...headers,
    'content-type': 'application/json',
    'content-length': chosen.body.byteLength,
    ...(chosen.gzip ? { 'content-encoding': 'gzip' } : {}),
  });
  response.end(request.method === 'HEAD' ? undefined : chosen.body);
}
