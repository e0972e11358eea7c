// Evaluation with flagd's results (../shared/reference/flagd-daemon.md §4, js-provider.md
// §3.3). The hot path allocates nothing: results are precomputed and frozen per variant when
// the snapshot is built, and targeted flags run in one module-wide scope object (see `SHARED`).
import { CompiledSnapshot, type FlagEntry } from './snapshot.js';
import type { TargetingScope } from './targeting/types.js';
import type {
  EvaluateOptions,
  EvaluationContext,
  EvaluationResult,
  FlagSnapshot,
  FlagValueType,
  JsonValue,
} from './types.js';

const EMPTY_OPTIONS: EvaluateOptions = {};

/**
 * What a rule reads besides its literals; `$flagd.timestamp` is computed on demand. Fields are
 * mutable so one scope can serve evaluation after evaluation (rules run synchronously and never
 * keep the scope).
 */
class Scope implements TargetingScope {
  /** Set while a rule runs in this scope, so a re-entrant evaluation takes a fresh one. */
  busy = false;

  constructor(
    public context: EvaluationContext | undefined,
    public baseContext: EvaluationContext | undefined,
    public flagKey: string,
    public now: (() => number) | undefined,
  ) {}

  timestamp(): number {
    return Math.floor((this.now === undefined ? Date.now() : this.now()) / 1000);
  }
}

export function makeScope(
  flagKey: string,
  context: EvaluationContext | undefined,
  options: EvaluateOptions,
): TargetingScope {
  return new Scope(context, options.baseContext, flagKey, options.now);
}

function failure<T>(
  value: T,
  errorCode: 'FLAG_NOT_FOUND' | 'PARSE_ERROR' | 'TYPE_MISMATCH' | 'GENERAL',
  errorMessage: string,
  flagMetadata: EvaluationResult<T>['flagMetadata'],
): EvaluationResult<T> {
  return { value, reason: 'ERROR', errorCode, errorMessage, flagMetadata };
}

export function notFound<T>(
  snapshot: FlagSnapshot,
  flagKey: string,
  defaultValue: T,
): EvaluationResult<T> {
  return failure(defaultValue, 'FLAG_NOT_FOUND', `flag "${flagKey}" not found`, snapshot.metadata);
}

/** The variant name flagd derives from a targeting result: `true` → "true", `1` → "1". */
export function variantName(raw: unknown): string | undefined {
  switch (typeof raw) {
    case 'string':
      return raw;
    case 'boolean':
      return raw ? 'true' : 'false';
    case 'number':
      return Number.isFinite(raw) ? String(raw) : undefined;
    default:
      return undefined;
  }
}

/**
 * Turns a rule's raw result into the flag's result. `type` undefined = untyped (no
 * TYPE_MISMATCH); `defaultValue` is what the caller gets when the code default applies.
 */
export function fromRuleResult<T>(
  entry: FlagEntry,
  raw: unknown,
  type: FlagValueType | undefined,
  defaultValue: T,
): EvaluationResult<T> {
  // The common case: the rule names a variant with a string, of the requested type.
  if (typeof raw === 'string') {
    const slot = entry.variants.get(raw);
    if (slot !== undefined && (type === undefined || slot.kind === type))
      return slot.match as EvaluationResult<T>;
  }
  const key = entry.def.key;
  if (raw === null || raw === undefined) {
    const slot = entry.defaultSlot;
    if (slot === undefined)
      return { value: defaultValue, reason: 'DEFAULT', flagMetadata: entry.metadata };
    if (type !== undefined && slot.kind !== type)
      return mismatch(entry, slot.kind, type, defaultValue);
    return entry.defaultResult as EvaluationResult<T>;
  }
  const name = variantName(raw);
  const slot = name === undefined ? undefined : entry.variants.get(name);
  if (slot === undefined) {
    const shown =
      name === undefined
        ? Array.isArray(raw)
          ? 'an array'
          : `a ${typeof raw}`
        : JSON.stringify(name);
    return failure(
      defaultValue,
      'GENERAL',
      `targeting of flag "${key}" returned ${shown}, which is not a variant of the flag`,
      entry.metadata,
    );
  }
  if (type !== undefined && slot.kind !== type)
    return mismatch(entry, slot.kind, type, defaultValue);
  return slot.match as EvaluationResult<T>;
}

function mismatch<T>(
  entry: FlagEntry,
  kind: FlagValueType,
  type: FlagValueType,
  defaultValue: T,
): EvaluationResult<T> {
  return failure(
    defaultValue,
    'TYPE_MISMATCH',
    `flag "${entry.def.key}" has a ${kind} value, not a ${type}`,
    entry.metadata,
  );
}

/** Everything before the rule runs: DISABLED, PARSE_ERROR, STATIC and code-default cases. */
export function beforeRule<T>(
  entry: FlagEntry,
  type: FlagValueType | undefined,
  defaultValue: T,
): EvaluationResult<T> | undefined {
  if (entry.disabled)
    return { value: defaultValue, reason: 'DISABLED', flagMetadata: entry.metadata };
  if (entry.parseError !== undefined) {
    return failure(
      defaultValue,
      'PARSE_ERROR',
      `flag "${entry.def.key}" cannot be evaluated: ${entry.parseError}`,
      entry.metadata,
    );
  }
  if (entry.rule !== undefined) return undefined;
  const slot = entry.defaultSlot;
  if (slot === undefined)
    return { value: defaultValue, reason: 'DEFAULT', flagMetadata: entry.metadata };
  if (type !== undefined && slot.kind !== type)
    return mismatch(entry, slot.kind, type, defaultValue);
  return entry.staticResult as EvaluationResult<T>;
}

function resolve<T>(
  snapshot: FlagSnapshot,
  flagKey: string,
  type: FlagValueType | undefined,
  defaultValue: T,
  context: EvaluationContext | undefined,
  options: EvaluateOptions,
): EvaluationResult<T> {
  if (!(snapshot instanceof CompiledSnapshot)) {
    return failure(defaultValue, 'GENERAL', 'not a snapshot made by createSnapshot', {});
  }
  const entry = snapshot.entry(flagKey);
  if (entry === undefined) return notFound(snapshot, flagKey, defaultValue);
  const early = beforeRule(entry, type, defaultValue);
  if (early !== undefined) return early;
  const scope = SHARED;
  // A context getter (or a `now` callback) may evaluate another flag while the rule runs; that
  // nested evaluation must not overwrite the scope in use, so it gets its own.
  if (scope.busy)
    return runRule(
      entry,
      type,
      defaultValue,
      new Scope(context, options.baseContext, flagKey, options.now),
    );
  scope.busy = true;
  scope.context = context;
  scope.baseContext = options.baseContext;
  scope.flagKey = flagKey;
  scope.now = options.now;
  try {
    return runRule(entry, type, defaultValue, scope);
  } finally {
    // Drop the caller's objects so the shared scope does not keep them alive.
    scope.context = undefined;
    scope.baseContext = undefined;
    scope.now = undefined;
    scope.busy = false;
  }
}

/**
 * The scope of every non-nested targeted evaluation: allocating one per call was a measurable
 * part of evaluating a small rule.
 */
const SHARED = new Scope(undefined, undefined, '', undefined);

/** Runs the rule of a targeted flag (beforeRule returned undefined) in `scope`. */
function runRule<T>(
  entry: FlagEntry,
  type: FlagValueType | undefined,
  defaultValue: T,
  scope: Scope,
): EvaluationResult<T> {
  let raw: unknown;
  try {
    raw = (entry.rule as NonNullable<FlagEntry['rule']>).evaluate(scope);
  } catch (error) {
    // The compiler promises not to throw; if it does anyway, the caller still gets a result.
    return failure(
      defaultValue,
      'GENERAL',
      `targeting of flag "${scope.flagKey}" failed: ${(error as Error)?.message ?? String(error)}`,
      entry.metadata,
    );
  }
  return fromRuleResult(entry, raw, type, defaultValue);
}

export function evaluate<T>(
  snapshot: FlagSnapshot,
  flagKey: string,
  type: FlagValueType,
  defaultValue: T,
  context?: EvaluationContext,
  options: EvaluateOptions = EMPTY_OPTIONS,
): EvaluationResult<T> {
  return resolve(snapshot, flagKey, type, defaultValue, context, options);
}

/** Untyped (OFREP, ResolveAll, CLI): `value` is undefined when the caller's default applies. */
export function evaluateAny(
  snapshot: FlagSnapshot,
  flagKey: string,
  context?: EvaluationContext,
  options: EvaluateOptions = EMPTY_OPTIONS,
): EvaluationResult<JsonValue | undefined> {
  return resolve<JsonValue | undefined>(snapshot, flagKey, undefined, undefined, context, options);
}

export function evaluateAll(
  snapshot: FlagSnapshot,
  context?: EvaluationContext,
  options: EvaluateOptions = EMPTY_OPTIONS,
): Map<string, EvaluationResult<JsonValue | undefined>> {
  const results = new Map<string, EvaluationResult<JsonValue | undefined>>();
  if (!(snapshot instanceof CompiledSnapshot)) {
    for (const key of snapshot.keys())
      results.set(key, resolve(snapshot, key, undefined, undefined, context, options));
    return results;
  }
  // One scope for every targeted flag (rules run synchronously and never keep the scope).
  let scope: Scope | undefined;
  for (const entry of snapshot.entries()) {
    const key = entry.def.key;
    let result = beforeRule<JsonValue | undefined>(entry, undefined, undefined);
    if (result === undefined) {
      if (scope === undefined) scope = new Scope(context, options.baseContext, key, options.now);
      else scope.flagKey = key;
      result = runRule<JsonValue | undefined>(entry, undefined, undefined, scope);
    }
    results.set(key, result);
  }
  return results;
}
