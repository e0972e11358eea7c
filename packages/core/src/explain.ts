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

function safeJson(value: unknown): string {
  try {
    const text = JSON.stringify(value);
    if (text === undefined) return String(value);
    return text.length > 200 ? `${text.slice(0, 197)}...` : text;
  } catch {
    return String(value);
  }
}
