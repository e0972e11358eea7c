// The seam between the flag model (parse/snapshot/evaluate) and the targeting compiler.
import type { Diagnostic, EvaluationContext, JsonValue } from '../types.js';

/**
 * Bounds applied to untrusted flag configurations: checked when a configuration is read
 * (document, flags, rule depth and size) and when a rule runs (the evaluation budget).
 * Defaults and their reasons: docs/adr/0025.
 */
export interface Limits {
  /** Maximum nesting depth of a targeting rule (a 100-level rule is rejected; at most 1,000). */
  readonly maxDepth: number;
  /** Maximum number of nodes (operators, arrays, literals) in one targeting rule. */
  readonly maxRuleNodes: number;
  /** Maximum size of a configuration document in bytes (UTF-16 length for strings). */
  readonly maxBytes: number;
  /** Maximum number of flags in one configuration. */
  readonly maxFlags: number;
  /**
   * Work one evaluation of one rule may do, in steps: one per operator run inside an iteration
   * body per element, one per array element walked or produced, one per 64 characters of a
   * long string produced or scanned. Over it, the flag evaluates to ERROR/GENERAL.
   */
  readonly maxSteps: number;
  /** Longest array an operator may produce (merge, map, filter, missing). */
  readonly maxArrayLength: number;
  /** Longest string an operator may produce (cat, substr, arrays coerced to text). */
  readonly maxStringLength: number;
}

export const DEFAULT_LIMITS: Limits = Object.freeze({
  maxDepth: 64,
  maxRuleNodes: 20_000,
  maxBytes: 64 * 1024 * 1024,
  maxFlags: 100_000,
  maxSteps: 100_000,
  maxArrayLength: 10_000,
  maxStringLength: 100_000,
});

/** What a compiled rule sees during one evaluation. Built by the evaluator, one per call. */
export interface TargetingScope {
  /** The caller's context (highest precedence). */
  readonly context: EvaluationContext | undefined;
  /** Lowest-precedence context (the sync_context of the daemon); may be undefined. */
  readonly baseContext: EvaluationContext | undefined;
  /** Key of the flag being evaluated: `$flagd.flagKey`. */
  readonly flagKey: string;
  /** Unix time in whole seconds: `$flagd.timestamp`. Called lazily, only if the rule reads it. */
  timestamp(): number;
  /** Steps left in this evaluation's budget; the compiled rule sets it when it starts. */
  steps: number;
}

/** What a rule returns when it ran over the evaluation budget (the flag gives GENERAL). */
export class RuleFailure {
  constructor(readonly message: string) {}
}

/** One visited node of a rule, for explain traces. */
export interface TraceNode {
  /** Operator name (`if`, `==`, `fractional`, ...), or `literal`. */
  readonly op: string;
  /** JSON path of the node inside the flag's targeting, e.g. `targeting.if[0]`. */
  readonly path: string;
  /** The operand values after evaluation (omitted for literals). */
  readonly args?: readonly unknown[];
  /** The value the node produced. */
  readonly result: unknown;
  /** Nested operators, in the order they were visited. */
  readonly children?: readonly TraceNode[];
  /** Operator-specific facts: for `fractional` the bucketing input, hash, bucket and ranges. */
  readonly detail?: Readonly<Record<string, unknown>>;
}

export interface CompiledTargeting {
  /**
   * Runs the rule. Returns the raw JSONLogic result (`null`/`undefined` = no match), or a
   * RuleFailure when the evaluation ran over its budget. Never throws.
   */
  evaluate(scope: TargetingScope): unknown;
  /** Runs the rule while recording every visited node (compiled lazily on first use). */
  explain(scope: TargetingScope): { readonly value: unknown; readonly trace: TraceNode };
}

export interface CompileOptions {
  readonly flagKey: string;
  /** JSON path of the rule, e.g. `flags.my-flag.targeting`, used in diagnostics. */
  readonly path: string;
  readonly file?: string;
  readonly limits: Limits;
}

export type CompileResult =
  | {
      readonly ok: true;
      readonly rule: CompiledTargeting;
      readonly warnings: readonly Diagnostic[];
    }
  | { readonly ok: false; readonly error: Diagnostic; readonly warnings: readonly Diagnostic[] };

export type CompileTargeting = (rule: JsonValue, options: CompileOptions) => CompileResult;
