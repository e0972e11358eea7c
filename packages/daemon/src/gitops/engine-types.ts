// Local, structural copies of the @switchyard/core public API shapes (docs/architecture.md)
// that core's index does not export yet. They match the documented contract, so when core
// exports its own, these become re-exports without touching the commands.
import type {
  Diagnostic,
  EvaluationContext,
  EvaluationResult,
  FlagConfiguration,
  FlagDefinition,
  FlagMetadata,
  FlagState,
  JsonValue,
  Reason,
  ErrorCode,
} from '@switchyard/core';

export type {
  Diagnostic,
  EvaluationContext,
  EvaluationResult,
  FlagConfiguration,
  FlagDefinition,
  FlagMetadata,
  JsonValue,
};

export interface ParseOptions {
  source?: string;
  format?: 'json' | 'yaml' | 'auto';
  mode?: 'strict' | 'isolating';
}

export interface ParseResult {
  ok: boolean;
  configuration?: FlagConfiguration;
  diagnostics: Diagnostic[];
}

export interface FlagSnapshot {
  readonly size: number;
  has(key: string): boolean;
  get(key: string): FlagDefinition | undefined;
  keys(): IterableIterator<string>;
  readonly metadata: FlagMetadata;
}

export interface EvaluateOptions {
  baseContext?: EvaluationContext;
  now?: () => number;
}

/** One visited node of a rule (core's `TraceNode`, packages/core/src/targeting/types.ts). */
export interface TraceNode {
  readonly op: string;
  readonly path: string;
  readonly args?: readonly unknown[];
  readonly result: unknown;
  readonly children?: readonly TraceNode[];
  readonly detail?: Readonly<Record<string, unknown>>;
}

export interface ExplainTrace {
  readonly flagKey: string;
  readonly state: FlagState | undefined;
  readonly rule?: TraceNode;
  readonly ruleResult?: unknown;
  readonly variant?: string;
  readonly reason: Reason;
  readonly errorCode?: ErrorCode;
  readonly why: string;
}

export type AnyResult = EvaluationResult<JsonValue | undefined>;

/** The subset of @switchyard/core the gitops commands use. */
export interface Engine {
  readonly name: 'core' | 'fallback';
  parseFlags(input: string, options?: ParseOptions): ParseResult;
  formatDiagnostic(d: Diagnostic): string;
  createSnapshot(input: readonly FlagDefinition[]): { snapshot: FlagSnapshot };
  evaluateAny(
    snapshot: FlagSnapshot,
    key: string,
    context?: EvaluationContext,
    options?: EvaluateOptions,
  ): AnyResult;
  explain(
    snapshot: FlagSnapshot,
    key: string,
    context?: EvaluationContext,
    options?: EvaluateOptions,
  ): { result: AnyResult; trace: ExplainTrace };
}
