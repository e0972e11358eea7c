// OFREP response bodies with flagd's shapes (https://flagd.dev/reference/specifications/ofrep/,
// open-feature/flagd: core/pkg/service/ofrep/models.go). Bodies of snapshot-level results (frozen, shared by every
// evaluation that lands on them) are serialised once per view and reused.
import { createHash } from 'node:crypto';
import type { ErrorCode, EvaluationResult, JsonValue } from '../engine.js';
import { cacheSlot } from '../store/cache-slot.js';
import type { FlagView } from '../store/view.js';
import { responseMetadata, usesCodeDefault } from './resolve-kinds.js';
import { ofrepDetails } from './status.js';
import { reflection, resultCache } from './view-caches.js';

export type AnyResult = EvaluationResult<JsonValue | undefined>;

/** `{key, value?, reason, variant?, metadata}`; value and variant omitted for the code default. */
function successJson(key: string, result: AnyResult, metadata: object): string {
  const keyJson = JSON.stringify(key);
  const meta = JSON.stringify(metadata);
  if (usesCodeDefault(result))
    return `{"key":${keyJson},"reason":"${result.reason}","metadata":${meta}}`;
  return `{"key":${keyJson},"value":${JSON.stringify(result.value)},"reason":"${result.reason}","variant":${JSON.stringify(result.variant)},"metadata":${meta}}`;
}

export function errorJson(
  key: string | undefined,
  code: ErrorCode | 'INVALID_CONTEXT',
  details: string,
): string {
  const keyField = key === undefined ? '' : `"key":${JSON.stringify(key)},`;
  return `{${keyField}"errorCode":"${code}","errorDetails":${JSON.stringify(details)}}`;
}

const SINGLE_BODIES = resultCache<Buffer>('ofrep:single');
const BULK_ELEMENTS = resultCache<string>('ofrep:bulk');
const REFLECTION_JSON = cacheSlot<FlagView, string>('ofrep:reflection', (view) =>
  JSON.stringify(reflection(view)),
);

/** A single evaluation's 200 body: metadata = flag metadata over the selector reflection. */
export function singleBody(view: FlagView, key: string, result: AnyResult): Buffer {
  if (!Object.isFrozen(result))
    return Buffer.from(successJson(key, result, responseMetadata(view, result.flagMetadata)));
  const cache = view.cached(SINGLE_BODIES);
  let body = cache.get(result);
  if (body === undefined) {
    body = Buffer.from(successJson(key, result, responseMetadata(view, result.flagMetadata)));
    cache.set(result, body);
  }
  return body;
}

/** One element of a bulk body: a success (flag metadata only) or a per-flag error. */
export function bulkElement(view: FlagView, key: string, result: AnyResult): string {
  if (result.errorCode !== undefined)
    return errorJson(key, result.errorCode, ofrepDetails(result.errorCode, key));
  if (!Object.isFrozen(result)) return successJson(key, result, result.flagMetadata);
  const cache = view.cached(BULK_ELEMENTS);
  let element = cache.get(result);
  if (element === undefined) {
    element = successJson(key, result, result.flagMetadata);
    cache.set(result, element);
  }
  return element;
}

/** `{flags:[...], metadata:{selector reflection}}`. */
export function bulkBody(view: FlagView, elements: readonly string[]): Buffer {
  return Buffer.from(
    `{"flags":[${elements.join(',')}],"metadata":${view.cached(REFLECTION_JSON)}}`,
  );
}

/** A strong ETag over the exact bulk body bytes (docs/adr/0017). */
export function etagOf(body: Buffer): string {
  return `"${createHash('sha1').update(body).digest('base64url')}"`;
}

/** Whether an If-None-Match header matches the ETag (weak comparison, RFC 9110 §13.1.2). */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  for (const raw of header.split(',')) {
    const tag = raw.trim();
    if (tag === '*') return true;
    const opaque = tag.startsWith('W/') ? tag.slice(2) : tag;
    // flagd also accepts the bare (unquoted) form.
    if (opaque === etag || `"${opaque}"` === etag) return true;
  }
  return false;
}
