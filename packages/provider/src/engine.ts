// The provider's one seam to the flag engine (@switchyard/core): holds the current snapshot and
// evaluates against it. Configurations arrive parsed from the sources (@switchyard/sources),
// so the engine only compiles a new snapshot from the previous one (unchanged flags keep their
// compiled rules) and swaps it in.
import { createSnapshot, evaluate } from '@switchyard/core';
import type {
  EvaluateOptions,
  EvaluationContext,
  EvaluationResult,
  FlagChanges,
  FlagConfiguration,
  JsonValue,
} from '@switchyard/core';
import type { SourceParseOptions } from '@switchyard/sources';

/**
 * How the provider parses every configuration: one bad flag evaluates to PARSE_ERROR instead of
 * blocking every other update (docs/adr/0012).
 */
export const PROVIDER_PARSE: SourceParseOptions = { mode: 'isolating' };

type Resolve<T> = (
  key: string,
  defaultValue: T,
  context: EvaluationContext | undefined,
) => EvaluationResult<T>;

export interface Engine {
  /** Replaces the configuration; returns the flags that changed. */
  setConfiguration(configuration: FlagConfiguration): FlagChanges;
  /** Lowest-precedence context (the enriched sync_context); the caller's context wins. */
  setBaseContext(context: EvaluationContext | undefined): void;
  readonly resolveBoolean: Resolve<boolean>;
  readonly resolveString: Resolve<string>;
  readonly resolveNumber: Resolve<number>;
  readonly resolveObject: Resolve<JsonValue>;
}

/** A fresh engine holding no configuration. */
export function createEngine(): Engine {
  let snapshot = createSnapshot([]).snapshot;
  // No per-call options: the base context lives here.
  let options: EvaluateOptions = {};
  return {
    setConfiguration(configuration) {
      const next = createSnapshot(configuration, snapshot);
      snapshot = next.snapshot;
      return next.changes;
    },
    setBaseContext(context) {
      options = context === undefined ? {} : { baseContext: context };
    },
    // One short-lived request per call: evaluate reads it before any rule runs, and V8 keeps
    // such a literal off the heap where the call is inlined (core's bench measures this form).
    resolveBoolean: (flagKey, defaultValue, context) =>
      evaluate(snapshot, { flagKey, type: 'boolean', defaultValue, context }, options),
    resolveString: (flagKey, defaultValue, context) =>
      evaluate(snapshot, { flagKey, type: 'string', defaultValue, context }, options),
    resolveNumber: (flagKey, defaultValue, context) =>
      evaluate(snapshot, { flagKey, type: 'number', defaultValue, context }, options),
    resolveObject: (flagKey, defaultValue, context) =>
      evaluate(snapshot, { flagKey, type: 'object', defaultValue, context }, options),
  };
}
