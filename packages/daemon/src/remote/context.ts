// The evaluation context of a remote call, merged as flagd does (open-feature/flagd:
// flagd/pkg/service/flag-evaluation/flag_evaluator.go, MergeContextsAndHeaders): the request's
// context, then the static `-X` values over it, then `-H` header mappings over both (lowest to
// highest).
import type { EvaluationContext, JsonObject } from '../engine.js';

export interface ContextPolicy {
  /** `--context-value/-X` (string values). */
  readonly staticValues: Readonly<Record<string, string>>;
  /** `--context-from-header/-H`: header name (any case) → context key. */
  readonly headerMappings: Readonly<Record<string, string>>;
}

/** Reads one header (lower-case name) of a request; the first value when repeated. */
export type HeaderReader = (lowerCaseName: string) => string | undefined;

export interface ContextMerger {
  merge(request: JsonObject | undefined, headers: HeaderReader): EvaluationContext | undefined;
}

const EMPTY: EvaluationContext = Object.freeze({});

export function contextMerger(policy: ContextPolicy): ContextMerger {
  const statics = Object.entries(policy.staticValues);
  const mappings = Object.entries(policy.headerMappings).map(
    ([header, key]) => [header.toLowerCase(), key] as const,
  );
  if (statics.length === 0 && mappings.length === 0) {
    // The common case allocates nothing: the decoded request context is used as it is.
    return { merge: (request) => request ?? EMPTY };
  }
  return {
    merge(request, headers) {
      const context: EvaluationContext = request ? { ...request } : {};
      for (const [key, value] of statics) context[key] = value;
      for (const [header, key] of mappings) {
        const value = headers(header);
        if (value !== undefined) context[key] = value;
      }
      return context;
    },
  };
}
