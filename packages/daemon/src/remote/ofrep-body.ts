// OFREP response bodies with flagd's shapes (flagd-daemon.md §5 "OFREP"; flagd
// core/pkg/service/ofrep/models.go). Bodies of snapshot-level results (frozen, shared by every
// evaluation that lands on them) are serialised once per view and reused.
import { createHash } from 'node:crypto';
import type { ErrorCode, EvaluationResult, JsonValue } from '@switchyard/core';
import { responseMetadata, usesCodeDefault } from './resolve-kinds.js';
import { ofrepDetails } from './status.js';
import type { EvaluationView } from './views.js';
import { viewCache } from './views.js';

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

/** A single evaluation's 200 body: metadata = flag metadata over the selector reflection. */
export function singleBody(view: EvaluationView, key: string, result: AnyResult): Buffer {
  if (!Object.isFrozen(result))
    return Buffer.from(successJson(key, result, responseMetadata(view, result.flagMetadata)));
  const cache = viewCache<Buffer>(view, 'ofrep-single');
  let body = cache.get(result);
  if (body === undefined) {
    body = Buffer.from(successJson(key, result, responseMetadata(view, result.flagMetadata)));
    cache.set(result, body);
  }
  return body;
}

/** One element of a bulk body: a success (flag metadata only) or a per-flag error. */
export function bulkElement(view: EvaluationView, key: string, result: AnyResult): string {
  if (result.errorCode !== undefined)
    return errorJson(key, result.errorCode, ofrepDetails(result.errorCode, key));
  if (!Object.isFrozen(result)) return successJson(key, result, result.flagMetadata);
  const cache = viewCache<string>(view, 'ofrep-bulk');
  let element = cache.get(result);
  if (element === undefined) {
    element = successJson(key, result, result.flagMetadata);
    cache.set(result, element);
  }
  return element;
}

/** `{flags:[...], metadata:{selector reflection}}`. */
export function bulkBody(view: EvaluationView, elements: readonly string[]): Buffer {
  let reflection = viewCache<string>(view, 'ofrep-reflection').get(view.reflection);
  if (reflection === undefined) {
    reflection = JSON.stringify(view.reflection);
    viewCache<string>(view, 'ofrep-reflection').set(view.reflection, reflection);
  }
  return Buffer.from(`{"flags":[${elements.join(',')}],"metadata":${reflection}}`);
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
