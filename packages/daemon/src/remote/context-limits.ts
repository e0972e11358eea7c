// The one conversion of a request's evaluation context, used by every evaluation transport
// (flagd.evaluation over gRPC, OFREP) before a context reaches the engine. The bytes of a request
// are bounded by --max-request-body; here its shape is, so that the work of one request
// (decoding, copying, merging, evaluating) stays small and one client cannot starve the others.
// A context over the key count is INVALID_ARGUMENT / 413, one nested deeper than allowed (or
// malformed) is INVALID_ARGUMENT / 400. Binary protobuf requests are decoded within these limits
// (struct-decoder.ts, `contextFromProtobuf`); JSON contexts are checked after JSON.parse
// (`contextFromJson`). flagd has no such limits (docs/adr/0035).
import type { JsonObject, JsonValue } from '../engine.js';
import { ContextTooLargeError } from '../errors/context-too-large-error.js';
import { InvalidContextError } from '../errors/invalid-context-error.js';

export interface ContextLimits {
  /** Deepest nesting of objects and arrays; the context object itself is level 1. */
  readonly maxDepth: number;
  /** Most keys (object members at every level) plus array elements in one context. */
  readonly maxKeys: number;
}

/**
 * Far above what evaluation contexts hold (a targeting key and tens of attributes, a few levels
 * deep; a list of a few hundred groups), far below the work that hurts: a 10,000-key context
 * decodes in about a millisecond, while the 60,000 keys a 1 MB body can carry took protobuf-es
 * 100–380 ms.
 */
export const DEFAULT_CONTEXT_LIMITS: ContextLimits = Object.freeze({
  maxDepth: 32,
  maxKeys: 10_000,
});

/**
 * The largest maxDepth: the binary decoder recurses once per level, and a limit this low keeps it
 * far from the stack's end (a stack overflow would be an INTERNAL error, not a refusal).
 */
export const MAX_CONTEXT_DEPTH = 1000;

/** Limits from options: defaults where unset, maxDepth capped at {@link MAX_CONTEXT_DEPTH}. */
export function contextLimits(options: {
  readonly maxDepth?: number | undefined;
  readonly maxKeys?: number | undefined;
}): ContextLimits {
  return {
    maxDepth: Math.min(options.maxDepth ?? DEFAULT_CONTEXT_LIMITS.maxDepth, MAX_CONTEXT_DEPTH),
    maxKeys: options.maxKeys ?? DEFAULT_CONTEXT_LIMITS.maxKeys,
  };
}

export type ContextError = InvalidContextError | ContextTooLargeError;

export const tooDeep = (limits: ContextLimits) =>
  new InvalidContextError(
    `the evaluation context is nested deeper than ${limits.maxDepth} levels (--max-context-depth)`,
  );

export const tooManyKeys = (limits: ContextLimits) =>
  new ContextTooLargeError(
    `the evaluation context has more than ${limits.maxKeys.toLocaleString('en-US')} keys and array elements (--max-context-keys)`,
  );

/** Work done by one conversion, for tests that bound it (keys counted, bytes read). */
export interface ConversionWork {
  keys: number;
  bytes: number;
}

/**
 * Checks a context parsed from JSON (`null`/absent = no context). Iterative and bounded: it stops
 * at the first key past maxKeys or level past maxDepth, whatever the size of the rest.
 */
export function contextFromJson(
  context: JsonObject | undefined,
  limits: ContextLimits,
  work?: ConversionWork,
): JsonObject | undefined | ContextError {
  if (context === undefined) return undefined;
  let keys = 0;
  const pending: { value: JsonValue; depth: number }[] = [{ value: context, depth: 1 }];
  try {
    for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
      const { value, depth } = item;
      if (depth > limits.maxDepth) return tooDeep(limits);
      if (Array.isArray(value)) {
        for (const child of value) {
          if (++keys > limits.maxKeys) return tooManyKeys(limits);
          if (typeof child === 'object' && child !== null)
            pending.push({ value: child, depth: depth + 1 });
        }
        continue;
      }
      for (const key in value as JsonObject) {
        if (++keys > limits.maxKeys) return tooManyKeys(limits);
        const child = (value as JsonObject)[key]!;
        if (typeof child === 'object' && child !== null)
          pending.push({ value: child, depth: depth + 1 });
      }
    }
  } finally {
    if (work) work.keys = keys;
  }
  return context;
}

/** Whether a conversion's result is a refusal. */
export const isContextError = (value: unknown): value is ContextError =>
  value instanceof InvalidContextError || value instanceof ContextTooLargeError;
