// The public evaluation functions. Targeted flags run in one module-wide Evaluation (see
// `SHARED`), so the hot path allocates nothing but what the caller passes in.
import {
  type AnyRequest,
  beforeRule,
  Evaluation,
  NO_METADATA,
  notFound,
  UNTYPED,
} from './evaluation.js';
import { CompiledSnapshot, type FlagEntry } from './snapshot.js';
import type {
  EvaluateOptions,
  EvaluationContext,
  EvaluationRequest,
  EvaluationResult,
  FlagRequest,
  FlagSnapshot,
  JsonValue,
} from './types.js';

const EMPTY_OPTIONS: EvaluateOptions = {};

/**
 * The evaluation of every non-nested targeted flag: allocating one per call was a measurable
 * part of evaluating a small rule.
 */
const SHARED = new Evaluation<unknown>();

/** The result for a snapshot not made by createSnapshot (kept out of the hot path). */
function notASnapshot<T>(request: AnyRequest<T>): EvaluationResult<T> {
  return {
    value: request.defaultValue as T,
    reason: 'ERROR',
    errorCode: 'GENERAL',
    errorMessage: 'not a snapshot made by createSnapshot',
    flagMetadata: NO_METADATA,
  };
}

/**
 * Everything but the two common cases of evaluate and evaluateAny (kept out of line so theirs
 * stay small enough to inline into the caller): not a snapshot, an unknown flag, and the
 * answers beforeRule gives (DISABLED, PARSE_ERROR, TYPE_MISMATCH, code default).
 */
function resolveOther<T>(snapshot: FlagSnapshot, request: AnyRequest<T>): EvaluationResult<T> {
  if (!(snapshot instanceof CompiledSnapshot)) return notASnapshot(request);
  const spec = request as Required<AnyRequest<T>>;
  const entry = snapshot.entry(request.flagKey);
  if (entry === undefined) return notFound(snapshot, request.flagKey, spec);
  return beforeRule(entry, spec) as EvaluationResult<T>;
}

/** Runs the rule of a targeted flag (its `runnable` is set). */
function runRule<T>(
  entry: FlagEntry,
  request: AnyRequest<T>,
  options: EvaluateOptions,
): EvaluationResult<T> {
  // A context getter (or a `now` callback) may evaluate another flag while the rule runs; that
  // nested evaluation must not overwrite the evaluation in use, so it gets its own.
  if (SHARED.busy) return new Evaluation<T>().begin(request, options).run(entry);
  const evaluation = (SHARED as Evaluation<T>).begin(request, options);
  evaluation.busy = true;
  try {
    return evaluation.run(entry);
  } finally {
    evaluation.end();
  }
}

/** Typed evaluation (OpenFeature's four resolvers): `{ flagKey, type, defaultValue, context? }`. */
export function evaluate<T>(
  snapshot: FlagSnapshot,
  request: EvaluationRequest<T>,
  options: EvaluateOptions = EMPTY_OPTIONS,
): EvaluationResult<T> {
  if (snapshot instanceof CompiledSnapshot) {
    const entry = snapshot.entry(request.flagKey);
    if (entry !== undefined) {
      // A flag without targeting, asked for its own type: the precomputed STATIC result.
      const kind = entry.staticKind;
      if (kind !== undefined && kind === request.type)
        return entry.staticResult as EvaluationResult<T>;
      if (entry.runnable !== undefined) return runRule(entry, request, options);
    }
  }
  return resolveOther(snapshot, request);
}

/** Untyped (OFREP, ResolveAll, CLI): `value` is undefined when the caller's default applies. */
export function evaluateAny(
  snapshot: FlagSnapshot,
  request: FlagRequest,
  options: EvaluateOptions = EMPTY_OPTIONS,
): EvaluationResult<JsonValue | undefined> {
  if (snapshot instanceof CompiledSnapshot) {
    const entry = snapshot.entry(request.flagKey);
    if (entry !== undefined) {
      // Untyped, so no type to mismatch: a flag without targeting gets its STATIC result.
      if (entry.staticKind !== undefined) return entry.staticResult as EvaluationResult<JsonValue>;
      if (entry.runnable !== undefined) return runRule(entry, request, options);
    }
  }
  return resolveOther<JsonValue | undefined>(snapshot, request);
}

export function evaluateAll(
  snapshot: FlagSnapshot,
  context?: EvaluationContext,
  options: EvaluateOptions = EMPTY_OPTIONS,
): Map<string, EvaluationResult<JsonValue | undefined>> {
  const results = new Map<string, EvaluationResult<JsonValue | undefined>>();
  if (!(snapshot instanceof CompiledSnapshot)) {
    for (const flagKey of snapshot.keys())
      results.set(flagKey, resolveOther(snapshot, { flagKey, context }));
    return results;
  }
  // One evaluation for every targeted flag (rules run synchronously and never keep it).
  let evaluation: Evaluation<JsonValue | undefined> | undefined;
  for (const entry of snapshot.entries()) {
    const flagKey = entry.def.key;
    if (entry.staticKind !== undefined) {
      results.set(flagKey, entry.staticResult as EvaluationResult<JsonValue>);
      continue;
    }
    if (entry.runnable === undefined) {
      results.set(flagKey, beforeRule(entry, UNTYPED) as EvaluationResult<undefined>);
      continue;
    }
    if (evaluation === undefined)
      evaluation = new Evaluation<JsonValue | undefined>().begin({ flagKey, context }, options);
    else evaluation.flagKey = flagKey;
    results.set(flagKey, evaluation.run(entry));
  }
  return results;
}
