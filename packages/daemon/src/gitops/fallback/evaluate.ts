// TEMPORARY stand-in for @switchyard/core's createSnapshot/evaluateAny/explain, following
// flagd's evaluation order (reference flagd-daemon.md §4). Delete when core exports them.
import type {
  AnyResult,
  EvaluateOptions,
  EvaluationContext,
  ExplainTrace,
  FlagDefinition,
  FlagSnapshot,
  JsonValue,
  TraceNode,
} from '../engine-types.js';
import { RuleError, runRule } from './jsonlogic.js';

export function fallbackCreateSnapshot(input: readonly FlagDefinition[]): {
  snapshot: FlagSnapshot;
} {
  const map = new Map<string, FlagDefinition>();
  for (const f of input) map.set(f.key, f);
  const snapshot: FlagSnapshot = {
    size: map.size,
    has: (k) => map.has(k),
    get: (k) => map.get(k),
    keys: () => map.keys(),
    metadata: {},
  };
  return { snapshot };
}

function toData(context: EvaluationContext | undefined): Record<string, unknown> {
  return JSON.parse(JSON.stringify(context ?? {})) as Record<string, unknown>;
}

function run(
  snapshot: FlagSnapshot,
  key: string,
  context: EvaluationContext | undefined,
  options: EvaluateOptions | undefined,
  trace: boolean,
): { result: AnyResult; trace: ExplainTrace } {
  const flag = snapshot.get(key);
  if (flag === undefined) {
    return {
      result: {
        value: undefined,
        reason: 'ERROR',
        errorCode: 'FLAG_NOT_FOUND',
        errorMessage: `flag "${key}" not found`,
        flagMetadata: {},
      },
      trace: {
        flagKey: key,
        state: undefined,
        reason: 'ERROR',
        errorCode: 'FLAG_NOT_FOUND',
        why: 'no such flag',
      },
    };
  }
  const meta = flag.metadata;
  const base = { flagKey: key, state: flag.state };
  if (flag.state === 'DISABLED') {
    return {
      result: { value: undefined, reason: 'DISABLED', flagMetadata: meta },
      trace: { ...base, reason: 'DISABLED', why: 'the flag is disabled' },
    };
  }
  const byDefault = (
    reason: 'STATIC' | 'DEFAULT',
    why: string,
    extra: { rule?: TraceNode; ruleResult?: unknown },
  ) => {
    const dv = flag.defaultVariant;
    if (dv === undefined) {
      return {
        result: { value: undefined, reason: 'DEFAULT' as const, flagMetadata: meta },
        trace: {
          ...base,
          ...extra,
          reason: 'DEFAULT' as const,
          why: `${why}; no defaultVariant, the code default applies`,
        },
      };
    }
    return {
      result: { value: flag.variants[dv] as JsonValue, variant: dv, reason, flagMetadata: meta },
      trace: { ...base, ...extra, variant: dv, reason, why: `${why} → defaultVariant "${dv}"` },
    };
  };
  if (flag.targeting === undefined) return byDefault('STATIC', 'no targeting', {});
  const now = options?.now ?? Date.now;
  const data = {
    ...toData(options?.baseContext),
    ...toData(context),
    $flagd: { flagKey: key, timestamp: Math.floor(now() / 1000) },
  };
  let out: { value: unknown; trace?: TraceNode };
  try {
    out = runRule(flag.targeting, data, key, trace);
  } catch (error) {
    if (!(error instanceof RuleError)) throw error;
    return {
      result: {
        value: undefined,
        reason: 'ERROR',
        errorCode: 'PARSE_ERROR',
        errorMessage: error.message,
        flagMetadata: meta,
      },
      trace: { ...base, reason: 'ERROR', errorCode: 'PARSE_ERROR', why: error.message },
    };
  }
  const extra = { ...(out.trace === undefined ? {} : { rule: out.trace }), ruleResult: out.value };
  if (out.value === null || out.value === undefined)
    return byDefault('DEFAULT', 'targeting returned null', extra);
  const name = (typeof out.value === 'string' ? out.value : JSON.stringify(out.value))
    .replaceAll('"', '')
    .trim();
  if (!Object.hasOwn(flag.variants, name)) {
    return {
      result: {
        value: undefined,
        reason: 'ERROR',
        errorCode: 'GENERAL',
        errorMessage: `targeting returned "${name}", which is not a variant`,
        flagMetadata: meta,
      },
      trace: {
        ...base,
        ...extra,
        reason: 'ERROR',
        errorCode: 'GENERAL',
        why: `targeting returned "${name}", which is not a variant`,
      },
    };
  }
  return {
    result: {
      value: flag.variants[name] as JsonValue,
      variant: name,
      reason: 'TARGETING_MATCH',
      flagMetadata: meta,
    },
    trace: {
      ...base,
      ...extra,
      variant: name,
      reason: 'TARGETING_MATCH',
      why: `targeting returned ${JSON.stringify(out.value)} → variant "${name}"`,
    },
  };
}

export function fallbackEvaluateAny(
  snapshot: FlagSnapshot,
  key: string,
  context?: EvaluationContext,
  options?: EvaluateOptions,
): AnyResult {
  return run(snapshot, key, context, options, false).result;
}

export function fallbackExplain(
  snapshot: FlagSnapshot,
  key: string,
  context?: EvaluationContext,
  options?: EvaluateOptions,
): { result: AnyResult; trace: ExplainTrace } {
  return run(snapshot, key, context, options, true);
}
