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
  EvaluationRequest,
  EvaluationResult,
  ExplainTrace,
  FlagChanges,
  FlagSnapshot,
  FlagValueType,
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
  ): EvaluationResult<boolean>;
  resolveString(
    key: string,
    defaultValue: string,
    context?: EvaluationContext,
  ): EvaluationResult<string>;
  resolveNumber(
    key: string,
    defaultValue: number,
    context?: EvaluationContext,
  ): EvaluationResult<number>;
  resolveObject<T extends JsonValue>(
    key: string,
    defaultValue: T,
    context?: EvaluationContext,
  ): EvaluationResult<T>;
  resolveAny(key: string, context?: EvaluationContext): EvaluationResult<JsonValue | undefined>;
  resolveAll(context?: EvaluationContext): Map<string, EvaluationResult<JsonValue | undefined>>;
  explain(
    key: string,
    context?: EvaluationContext,
  ): { result: EvaluationResult<JsonValue | undefined>; trace: ExplainTrace };
}

export function createEvaluator(options: EvaluatorOptions = {}): Evaluator {
  let snapshot = createSnapshot([]).snapshot;
  let diagnostics: readonly Diagnostic[] = [];
  let defaults: EvaluateOptions = {
    ...(options.baseContext === undefined ? {} : { baseContext: options.baseContext }),
    ...(options.now === undefined ? {} : { now: options.now }),
  };
  // One request object serves every typed call: evaluate reads it before any rule runs, so a
  // nested call (from a context getter) may refill it, and resolving allocates nothing.
  const request: {
    -readonly [K in keyof EvaluationRequest<unknown>]: EvaluationRequest<unknown>[K];
  } = { flagKey: '', type: 'boolean', defaultValue: undefined, context: undefined };
  const typed =
    <T>(type: FlagValueType) =>
    (flagKey: string, defaultValue: T, context?: EvaluationContext): EvaluationResult<T> => {
      request.flagKey = flagKey;
      request.type = type;
      request.defaultValue = defaultValue;
      request.context = context;
      const result = evaluate(snapshot, request as EvaluationRequest<T>, defaults);
      request.defaultValue = undefined;
      request.context = undefined;
      return result;
    };
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
    resolveBoolean: typed<boolean>('boolean'),
    resolveString: typed<string>('string'),
    resolveNumber: typed<number>('number'),
    resolveObject: typed<JsonValue>('object') as Evaluator['resolveObject'],
    resolveAny: (flagKey, context) => evaluateAny(snapshot, { flagKey, context }, defaults),
    resolveAll: (context) => evaluateAll(snapshot, context, defaults),
    explain: (flagKey, context) => explain(snapshot, { flagKey, context }, defaults),
  };
}
