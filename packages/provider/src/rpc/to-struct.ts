// An OpenFeature evaluation context as a google.protobuf.Struct (a JSON object): dates become
// ISO strings (as JSON.stringify writes them), undefined values and functions are left out,
// non-finite numbers become null. Depth is bounded: deeper values are cut at the limit.
import type { EvaluationContext } from '@openfeature/server-sdk';
import type { JsonObject, JsonValue } from '@switchyard/core';

const MAX_DEPTH = 64;

function toJson(value: unknown, depth: number): JsonValue | undefined {
  if (value === null) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'object': {
      if (depth >= MAX_DEPTH) return null;
      if (value instanceof Date) return value.toISOString();
      if (Array.isArray(value)) return value.map((v) => toJson(v, depth + 1) ?? null);
      return toObject(value as Record<string, unknown>, depth + 1);
    }
    default:
      return undefined;
  }
}

function toObject(value: Record<string, unknown>, depth: number): JsonObject {
  const out: JsonObject = {};
  for (const key of Object.keys(value)) {
    const converted = toJson(value[key], depth);
    if (converted !== undefined) out[key] = converted;
  }
  return out;
}

export function toStruct(context: EvaluationContext | undefined): JsonObject {
  return context === undefined ? {} : toObject(context as Record<string, unknown>, 0);
}
