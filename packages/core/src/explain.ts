// explain: the same evaluation as evaluateAny, run through the rule's recording path, with a
// trace of how the result came about. Opt-in, so evaluate() pays nothing for it.
import { beforeRule, Evaluation, fromRuleResult, notFound, UNTYPED } from './evaluation.js';
import { CompiledSnapshot, type FlagEntry } from './snapshot.js';
import type { TraceNode } from './targeting/types.js';
import type {
  EvaluateOptions,
  EvaluationResult,
  ExplainTrace,
  FlagRequest,
  FlagSnapshot,
  JsonValue,
} from './types.js';

type Result = EvaluationResult<JsonValue | undefined>;

export function explain(
  snapshot: FlagSnapshot,
  request: FlagRequest,
  options: EvaluateOptions = {},
): { result: Result; trace: ExplainTrace } {
  const { flagKey } = request;
  const entry = snapshot instanceof CompiledSnapshot ? snapshot.entry(flagKey) : undefined;
  if (entry === undefined) {
    const result = notFound<JsonValue | undefined>(snapshot, flagKey, UNTYPED);
    return {
      result,
      trace: trace({ flagKey }, result, `flag "${flagKey}" does not exist in this configuration`),
    };
  }
  const early = beforeRule<JsonValue | undefined>(entry, UNTYPED);
  if (early !== undefined)
    return { result: early, trace: trace({ flagKey, entry }, early, whyBefore(entry, early)) };

  let ruleTrace: TraceNode | undefined;
  let raw: unknown;
  let result: Result;
  try {
    const ran = (entry.rule as NonNullable<FlagEntry['rule']>).explain(
      new Evaluation().begin(request, options),
    );
    ruleTrace = ran.trace;
    raw = ran.value;
    result = fromRuleResult<JsonValue | undefined>(entry, raw, UNTYPED);
  } catch (error) {
    const message = `targeting of flag "${flagKey}" failed: ${(error as Error)?.message ?? String(error)}`;
    result = {
      value: undefined,
      reason: 'ERROR',
      errorCode: 'GENERAL',
      errorMessage: message,
      flagMetadata: entry.metadata,
    };
    return { result, trace: trace({ flagKey, entry }, result, message) };
  }
  const shown = raw === undefined ? 'undefined' : safeJson(raw);
  let why: string;
  if (raw === null || raw === undefined) {
    why =
      result.variant === undefined
        ? `targeting returned ${shown} and the flag has no default variant: the caller's default applies`
        : `targeting returned ${shown}: served the default variant "${result.variant}"`;
  } else if (result.reason === 'TARGETING_MATCH') {
    why = `targeting returned ${shown} → variant "${result.variant}"`;
  } else {
    why = result.errorMessage ?? `targeting returned ${shown}`;
  }
  const base = trace({ flagKey, entry }, result, why);
  return {
    result,
    trace: { ...base, ...(ruleTrace === undefined ? {} : { rule: ruleTrace }), ruleResult: raw },
  };
}

function whyBefore(entry: FlagEntry, result: Result): string {
  const key = entry.def.key;
  if (result.reason === 'DISABLED')
    return `flag "${key}" is DISABLED: the caller's default applies`;
  if (result.errorCode === 'PARSE_ERROR')
    return result.errorMessage ?? `flag "${key}" cannot be evaluated`;
  if (result.reason === 'DEFAULT')
    return `flag "${key}" has no targeting and no default variant: the caller's default applies`;
  return `flag "${key}" has no targeting: served the default variant "${result.variant}"`;
}

function trace(
  { flagKey, entry }: { flagKey: string; entry?: FlagEntry },
  result: Result,
  why: string,
): ExplainTrace {
  return {
    flagKey,
    state: entry?.def.state,
    reason: result.reason,
    why,
    ...(result.variant === undefined ? {} : { variant: result.variant }),
    ...(result.errorCode === undefined ? {} : { errorCode: result.errorCode }),
  };
}

/**
 * A short JSON preview of a rule's result for `why`: at most PREVIEW characters, built without
 * serializing the whole value (a rule may return a large context value).
 */
function safeJson(value: unknown): string {
  const text = preview(value, { left: PREVIEW + 1, depth: 0 });
  return text.length > PREVIEW ? `${text.slice(0, PREVIEW - 3)}...` : text;
}

const PREVIEW = 200;

function preview(value: unknown, budget: { left: number; depth: number }): string {
  if (budget.left <= 0) return '';
  if (value === null || typeof value !== 'object' || value instanceof Date) {
    // As JSON.stringify writes it (a string only as far as the preview reaches).
    const text =
      (typeof value === 'string'
        ? JSON.stringify(value.slice(0, budget.left))
        : JSON.stringify(value)) ?? 'null';
    budget.left -= text.length;
    return text;
  }
  if (budget.depth > 8) return '…';
  const inner = { left: budget.left - 2, depth: budget.depth + 1 };
  const parts: string[] = [];
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length && inner.left > 0; i++) parts.push(preview(value[i], inner));
    budget.left = inner.left;
    return `[${parts.join(',')}]`;
  }
  const keys = Object.keys(value);
  for (let i = 0; i < keys.length && inner.left > 0; i++) {
    const key = keys[i] as string;
    const item = (value as Record<string, unknown>)[key];
    if (item === undefined || typeof item === 'function') continue;
    const name = JSON.stringify(key.slice(0, inner.left));
    inner.left -= name.length + 1;
    parts.push(`${name}:${preview(item, inner)}`);
  }
  budget.left = inner.left;
  return `{${parts.join(',')}}`;
}
