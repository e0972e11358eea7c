// The console's static assets (index.html, the script and style bundles), read once from the
// built UI directory and served from memory: no CDN, nothing fetched from elsewhere, so the
// console works offline and behind any firewall. Each file gets an ETag (304 on a match) and a
// gzip copy made once; a content security policy allows this origin only.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { ServerResponse } from 'node:http';
import type { ManagementRequest } from '../management/routes.js';
import { sendText } from '../management/routes.js';

interface Asset {
  readonly type: string;
  readonly body: Buffer;
  readonly gzip: Buffer;
  readonly etag: string;
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json',
};

/** Served with every asset: this origin only, no framing, no sniffing, no referrer. */
export const UI_SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
} as const;

function load(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const name of readdirSync(dir)) {
    const type = TYPES[extname(name)];
    if (type === undefined) continue;
    const body = readFileSync(join(dir, name));
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
    assets.set(name, { type, body, gzip: gzipSync(body), etag });
  }
  return assets;
}

export class UiAssets {
  private assets: Map<string, Asset> | undefined;

  /** `dir` undefined: the UI was not built, and /ui/ says so. */
  constructor(private readonly dir: string | undefined) {}

  serve(request: ManagementRequest, response: ServerResponse): void {
    if (this.dir === undefined) {
      sendText(
        response,
        503,
        'the console is not built: run `npm run build` (packages/daemon: node ui/build.mjs)',
      );
      return;
    }
    this.assets ??= load(this.dir);
    const name = request.path === '/ui/' ? 'index.html' : request.path.slice('/ui/'.length);
    const asset = /^[a-z0-9][a-z0-9._-]*$/i.test(name) ? this.assets.get(name) : undefined;
    if (asset === undefined) {
      sendText(response, 404, 'not found');
      return;
    }
    const headers = {
      ...UI_SECURITY_HEADERS,
      'content-type': asset.type,
      'cache-control': 'no-cache',
      etag: asset.etag,
      vary: 'accept-encoding',
    };
    if (request.raw.headers['if-none-match'] === asset.etag) {
      response.writeHead(304, headers).end();
      return;
    }
    const gzip = /\bgzip\b/.test(String(request.raw.headers['accept-encoding'] ?? ''));
    const body = gzip ? asset.gzip : asset.body;
    response.writeHead(200, {
      ...headers,
      'content-length': body.length,
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
    });
    response.end(request.method === 'HEAD' ? undefined : body);
  }
}
