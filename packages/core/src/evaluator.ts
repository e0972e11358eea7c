// createEvaluator: a mutable holder of the current snapshot, for providers. Each new
// configuration is parsed, compiled against the previous snapshot (unchanged flags keep their
// compiled rules) and swapped in atomically; a rejected one throws and changes nothing.
import { ConfigurationError } from './errors/configuration-error.js';
import { evaluate, evaluateAll, evaluateAny } from './evaluate.js';
import { explain } from './explain.js';
import { parseFlags } from './parse/parse-flags.js';
import { createSnapshot } from './snapshot.js';
import type {
  Diagnostic,
  EvaluateOptions,
  EvaluationContext,
  EvaluationResult,
  ExplainTrace,
  FlagChanges,
  FlagSnapshot,
  JsonValue,
  ParseOptions,
} from './types.js';

export interface EvaluatorOptions {
  /** Defaults for every setConfiguration call (merged under the per-call options). */
  parse?: ParseOptions;
  /** Lowest-precedence context for every evaluation (e.g. the sync_context). */
  baseContext?: EvaluationContext;
  /** Clock in milliseconds, for `$flagd.timestamp`. */
  now?: () => number;
}

export interface Evaluator {
  /** Parses and applies a configuration; throws ConfigurationError when it is rejected. */
  setConfiguration(input: string | JsonValue, parse?: ParseOptions): FlagChanges;
  /** Replaces the base context (e.g. a new sync_context). */
  setBaseContext(context: EvaluationContext | undefined): void;
  readonly snapshot: FlagSnapshot;
  /** Warnings of the last accepted configuration. */
  readonly diagnostics: readonly Diagnostic[];
  resolveBoolean(
    key: string,
    defaultValue: boolean,
    context?: EvaluationContext,
    options?: EvaluateOptions,
  ): EvaluationResult<boolean>;
  resolveString(
    key: string,
    defaultValue: string,
    context?: EvaluationContext,
    options?: EvaluateOptions,
  ): EvaluationResult<string>;
  resolveNumber(
    key: string,
    defaultValue: number,
    context?: EvaluationContext,
    options?: EvaluateOptions,
  ): EvaluationResult<number>;
  resolveObject<T extends JsonValue>(
    key: string,
    defaultValue: T,
    context?: EvaluationContext,
    options?: EvaluateOptions,
  ): EvaluationResult<T>;
  resolveAny(
    key: string,
    context?: EvaluationContext,
    options?: EvaluateOptions,
  ): EvaluationResult<JsonValue | undefined>;
  resolveAll(
    context?: EvaluationContext,
    options?: EvaluateOptions,
  ): Map<string, EvaluationResult<JsonValue | undefined>>;
  explain(
    key: string,
    context?: EvaluationContext,
    options?: EvaluateOptions,
  ): { result: EvaluationResult<JsonValue | undefined>; trace: ExplainTrace };
}

export function createEvaluator(options: EvaluatorOptions = {}): Evaluator {
  let snapshot = createSnapshot([]).snapshot;
  let diagnostics: readonly Diagnostic[] = [];
  let defaults: EvaluateOptions = {
    ...(options.baseContext === undefined ? {} : { baseContext: options.baseContext }),
    ...(options.now === undefined ? {} : { now: options.now }),
  };
  // Per-call options override the evaluator's; the common case (none) allocates nothing.
  const opts = (o: EvaluateOptions | undefined): EvaluateOptions =>
    o === undefined ? defaults : { ...defaults, ...o };
  return {
    setConfiguration(input, parse) {
      const result = parseFlags(input, { ...options.parse, ...parse });
      if (!result.ok || result.configuration === undefined)
        throw new ConfigurationError(result.diagnostics);
      const next = createSnapshot(result.configuration, snapshot);
      snapshot = next.snapshot;
      diagnostics = result.diagnostics;
      return next.changes;
    },
    setBaseContext(context) {
      const { baseContext: _, ...rest } = defaults;
      defaults = context === undefined ? rest : { ...rest, baseContext: context };
    },
    get snapshot() {
      return snapshot;
    },
    get diagnostics() {
      return diagnostics;
    },
    resolveBoolean: (key, dv, ctx, o) => evaluate(snapshot, key, 'boolean', dv, ctx, opts(o)),
    resolveString: (key, dv, ctx, o) => evaluate(snapshot, key, 'string', dv, ctx, opts(o)),
    resolveNumber: (key, dv, ctx, o) => evaluate(snapshot, key, 'number', dv, ctx, opts(o)),
    resolveObject: (key, dv, ctx, o) => evaluate(snapshot, key, 'object', dv, ctx, opts(o)),
    resolveAny: (key, ctx, o) => evaluateAny(snapshot, key, ctx, opts(o)),
    resolveAll: (ctx, o) => evaluateAll(snapshot, ctx, opts(o)),
    explain: (key, ctx, o) => explain(snapshot, key, ctx, opts(o)),
  };
}
