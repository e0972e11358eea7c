// One evaluation's state and how a flag's entry becomes flagd's result (reasons and error codes
// as flagd reports them: https://flagd.dev/reference/specifications/providers/#evaluation-results).
// The hot path allocates nothing: results are precomputed and frozen per variant when the
// snapshot is built, and targeted flags run in one module-wide Evaluation (see evaluate.ts).
import type { FlagEntry } from './snapshot.js';
import { RuleFailure, type TargetingScope } from './targeting/types.js';
import type {
  EvaluateOptions,
  EvaluationContext,
  EvaluationResult,
  FlagMetadata,
  FlagSnapshot,
  FlagValueType,
} from './types.js';

/** What shapes a result besides the flag: the type asked for and the caller's default. */
export interface ResultSpec<T> {
  /** `undefined` = untyped (OFREP, ResolveAll): no TYPE_MISMATCH. */
  readonly type: FlagValueType | undefined;
  /** What the caller gets when the code default applies. */
  readonly defaultValue: T;
}

type ErrorDetail = Pick<EvaluationResult<unknown>, 'errorCode' | 'errorMessage' | 'flagMetadata'>;

function failure<T>(spec: ResultSpec<T>, detail: ErrorDetail): EvaluationResult<T> {
  return { value: spec.defaultValue, reason: 'ERROR', ...detail };
}

export function notFound<T>(
  snapshot: FlagSnapshot,
  flagKey: string,
  spec: ResultSpec<T>,
): EvaluationResult<T> {
  return failure(spec, {
    errorCode: 'FLAG_NOT_FOUND',
    errorMessage: `flag "${flagKey}" not found`,
    flagMetadata: snapshot.metadata,
  });
}

function mismatch<T>(
  entry: FlagEntry,
  kind: FlagValueType,
  spec: ResultSpec<T>,
): EvaluationResult<T> {
  return failure(spec, {
    errorCode: 'TYPE_MISMATCH',
    errorMessage: `flag "${entry.def.key}" has a ${kind} value, not a ${spec.type}`,
    flagMetadata: entry.metadata,
  });
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

/** The default variant's result (`reason` DEFAULT or STATIC), or the caller's default. */
function defaultVariant<T>(
  entry: FlagEntry,
  spec: ResultSpec<T>,
  precomputed: EvaluationResult<unknown> | undefined,
): EvaluationResult<T> {
  const slot = entry.defaultSlot;
  if (slot === undefined)
    return { value: spec.defaultValue, reason: 'DEFAULT', flagMetadata: entry.metadata };
  if (spec.type !== undefined && slot.kind !== spec.type) return mismatch(entry, slot.kind, spec);
  return precomputed as EvaluationResult<T>;
}

/** Turns a rule's raw result into the flag's result. */
export function fromRuleResult<T>(
  entry: FlagEntry,
  raw: unknown,
  spec: ResultSpec<T>,
): EvaluationResult<T> {
  const type = spec.type;
  // The common case: the rule names a variant with a string, of the requested type.
  if (typeof raw === 'string') {
    const slot = entry.variants.get(raw);
    if (slot !== undefined && (type === undefined || slot.kind === type))
      return slot.match as EvaluationResult<T>;
  }
  return fromOtherResult(entry, raw, spec);
}

/** fromRuleResult past the common case (kept out of line, so the common case inlines). */
function fromOtherResult<T>(
  entry: FlagEntry,
  raw: unknown,
  spec: ResultSpec<T>,
): EvaluationResult<T> {
  const type = spec.type;
  if (raw === null || raw === undefined) return defaultVariant(entry, spec, entry.defaultResult);
  if (raw instanceof RuleFailure) return ruleFailed(entry, raw.message, spec);
  const name = variantName(raw);
  const slot = name === undefined ? undefined : entry.variants.get(name);
  if (slot === undefined) {
    const shown =
      name === undefined
        ? Array.isArray(raw)
          ? 'an array'
          : `a ${typeof raw}`
        : JSON.stringify(name);
    return failure(spec, {
      errorCode: 'GENERAL',
      errorMessage: `targeting of flag "${entry.def.key}" returned ${shown}, which is not a variant of the flag`,
      flagMetadata: entry.metadata,
    });
  }
  if (type !== undefined && slot.kind !== type) return mismatch(entry, slot.kind, spec);
  return slot.match as EvaluationResult<T>;
}

/** Everything before the rule runs: DISABLED, PARSE_ERROR, STATIC and code-default cases. */
export function beforeRule<T>(
  entry: FlagEntry,
  spec: ResultSpec<T>,
): EvaluationResult<T> | undefined {
  if (entry.disabled)
    return { value: spec.defaultValue, reason: 'DISABLED', flagMetadata: entry.metadata };
  if (entry.parseError !== undefined) {
    return failure(spec, {
      errorCode: 'PARSE_ERROR',
      errorMessage: `flag "${entry.def.key}" cannot be evaluated: ${entry.parseError}`,
      flagMetadata: entry.metadata,
    });
  }
  if (entry.rule !== undefined) return undefined;
  return defaultVariant(entry, spec, entry.staticResult);
}

/** The result when a rule failed (a budget ran out, or the compiler broke its promise). */
export function ruleFailed<T>(
  entry: FlagEntry,
  message: string,
  spec: ResultSpec<T>,
): EvaluationResult<T> {
  return failure(spec, {
    errorCode: 'GENERAL',
    errorMessage: `targeting of flag "${entry.def.key}" failed: ${message}`,
    flagMetadata: entry.metadata,
  });
}

/** A request as evaluate, evaluateAny and explain receive it (type and default optional). */
export interface AnyRequest<T> {
  readonly flagKey: string;
  readonly context?: EvaluationContext | undefined;
  readonly type?: FlagValueType;
  readonly defaultValue?: T;
}

/**
 * One evaluation of one targeted flag: what its rule reads (a TargetingScope) and what shapes
 * its result (a ResultSpec). Fields are mutable so one object can serve evaluation after
 * evaluation (rules run synchronously and never keep the scope); `$flagd.timestamp` is
 * computed on demand.
 */
export class Evaluation<T = unknown> implements TargetingScope, ResultSpec<T> {
  /** Set while a rule runs in this object, so a re-entrant evaluation takes a fresh one. */
  busy = false;
  context: EvaluationContext | undefined = undefined;
  baseContext: EvaluationContext | undefined = undefined;
  now: (() => number) | undefined = undefined;
  flagKey = '';
  type: FlagValueType | undefined = undefined;
  defaultValue: T = undefined as T;
  /** The budget's allowance, set by the compiled rule when it starts. */
  steps = 0;

  /** Copies everything the evaluation reads, so the caller's objects may change meanwhile. */
  begin(request: AnyRequest<T>, options: EvaluateOptions): this {
    this.context = request.context;
    this.baseContext = options.baseContext;
    this.now = options.now;
    this.flagKey = request.flagKey;
    this.type = request.type;
    this.defaultValue = request.defaultValue as T;
    return this;
  }

  /** Drops the caller's objects so a reused evaluation does not keep them alive. */
  end(): void {
    this.context = undefined;
    this.baseContext = undefined;
    this.now = undefined;
    this.defaultValue = undefined as T;
    this.busy = false;
  }

  timestamp(): number {
    return Math.floor((this.now === undefined ? Date.now() : this.now()) / 1000);
  }

  /** Runs the rule of a targeted flag (beforeRule returned undefined). Never throws. */
  run(entry: FlagEntry): EvaluationResult<T> {
    let raw: unknown;
    try {
      raw = (entry.rule as NonNullable<FlagEntry['rule']>).evaluate(this);
    } catch (error) {
      // The compiler promises not to throw; if it does anyway, the caller still gets a result.
      return ruleFailed(entry, (error as Error)?.message ?? String(error), this);
    }
    return fromRuleResult(entry, raw, this);
  }
}

/** Flag metadata of a result that has no flag (not a snapshot made by createSnapshot). */
export const NO_METADATA: FlagMetadata = Object.freeze({});

/** The spec of an untyped evaluation whose default is `undefined` (evaluateAll, explain). */
export const UNTYPED: ResultSpec<undefined> = Object.freeze({
  type: undefined,
  defaultValue: undefined,
});
