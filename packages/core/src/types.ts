// Public data types of @switchyard/core. Plain data only: no I/O, no Node APIs, so the
// package runs on Node and on edge runtimes where code generation is disabled.

/** A JSON value as it appears in a flag configuration. */
export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/**
 * The evaluation context: OpenFeature's `EvaluationContext` shape (values may also be Dates,
 * which targeting sees as their ISO string, as flagd sees them after JSON transport).
 */
export type EvaluationContextValue =
  | string
  | number
  | boolean
  | null
  | undefined
  | Date
  | EvaluationContextValue[]
  | { [key: string]: EvaluationContextValue };
export type EvaluationContext = { [key: string]: EvaluationContextValue };

/** Flag metadata values, as the flagd schema allows them. */
export type FlagMetadata = Readonly<Record<string, string | number | boolean>>;

export type FlagState = 'ENABLED' | 'DISABLED';

/** The value type a caller asks for (OpenFeature's four resolvers). */
export type FlagValueType = 'boolean' | 'string' | 'number' | 'object';

/** Reasons as flagd reports them (CACHED, SPLIT and UNKNOWN are never produced here). */
export type Reason = 'STATIC' | 'TARGETING_MATCH' | 'DEFAULT' | 'DISABLED' | 'ERROR';

/** Error codes, spelled as OpenFeature's `ErrorCode` values. */
export type ErrorCode = 'FLAG_NOT_FOUND' | 'PARSE_ERROR' | 'TYPE_MISMATCH' | 'GENERAL';

/** A problem found while reading a flag configuration. */
export interface Diagnostic {
  readonly severity: 'error' | 'warning';
  /** Stable machine-readable code, e.g. `SYNTAX`, `DEFAULT_VARIANT_UNKNOWN`, `UNKNOWN_OPERATOR`. */
  readonly code: string;
  /** Human-readable message; does not repeat file/line (format with `formatDiagnostic`). */
  readonly message: string;
  /** The file or source name, when known. */
  readonly file?: string;
  /** The flag the problem belongs to, when it belongs to one. */
  readonly flagKey?: string;
  /** JSON path of the offending value, e.g. `flags.my-flag.defaultVariant` (`` for the document). */
  readonly path: string;
  /** 1-based line and column, when the source text is known. */
  readonly line?: number;
  readonly column?: number;
}

/** One flag after parsing: `$ref`s resolved, flag-set metadata merged (the flag wins). */
export interface FlagDefinition {
  readonly key: string;
  readonly state: FlagState;
  readonly variants: Readonly<Record<string, JsonValue>>;
  /** `undefined` when the configuration has null, `""` or no defaultVariant (= code default). */
  readonly defaultVariant: string | undefined;
  /**
   * The targeting rule with `$ref`s resolved; `undefined` when absent or `{}`. A rule over the
   * depth or size limits is replaced by `{"$refused": "CODE: message"}` (and `error` is set), so
   * no consumer ever walks it (docs/adr/0025).
   */
  readonly targeting: JsonValue | undefined;
  /** Flag-set metadata merged under the flag's own metadata (the flag wins). */
  readonly metadata: FlagMetadata;
  /** The flag's set: its own `metadata.flagSetId`, else the set's. */
  readonly flagSetId: string | undefined;
  /** Stable hash of everything above (not of formatting), for change detection. */
  readonly contentHash: string;
  /** Set in isolating mode when this flag is unusable: evaluating it gives PARSE_ERROR. */
  readonly error?: Diagnostic;
}

/** A parsed flag configuration (one document). */
export interface FlagConfiguration {
  /** In document order. Array-form documents may hold one key in several flag sets. */
  readonly flags: readonly FlagDefinition[];
  /** The document's top-level `metadata` (flag-set metadata). */
  readonly metadata: FlagMetadata;
  /** Where the document came from, for messages. */
  readonly source?: string;
}

/** Keys whose definition differs between two configurations (by content, not formatting). */
export interface FlagChanges {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly string[];
}

/** The result of one evaluation; shaped like OpenFeature's `ResolutionDetails`. */
export interface EvaluationResult<T> {
  readonly value: T;
  readonly variant?: string;
  readonly reason: Reason;
  readonly errorCode?: ErrorCode;
  readonly errorMessage?: string;
  /** Always present (`{}` when the flag has none, the set metadata when it is missing). */
  readonly flagMetadata: FlagMetadata;
}

// ---------------------------------------------------------------------------------------------
// Options, snapshots and traces of the public API (docs/architecture.md, "@switchyard/core
// public API"). `Limits` and `TraceNode` come from the targeting seam.

import type { Limits, TraceNode } from './targeting/types.js';

export interface ParseOptions {
  /** File or source name used in diagnostics. */
  source?: string;
  /** Default 'auto': by the extension of `source`, else by sniffing the first character. */
  format?: 'json' | 'yaml' | 'auto';
  /**
   * 'strict' (default): any error diagnostic rejects the whole configuration.
   * 'isolating': document-level errors reject; a bad flag carries `error` (PARSE_ERROR).
   */
  mode?: 'strict' | 'isolating';
  /**
   * Strict mode only; default 'reject'. 'isolate' (what the daemon uses, docs/adr/0002): flags
   * whose targeting cannot compile stay and evaluate to PARSE_ERROR, and operator-argument
   * problems are warnings.
   */
  targetingErrors?: 'reject' | 'isolate';
  /** 'flags' = flags.json (object form only); default 'flagd' (object or array form). */
  schema?: 'flagd' | 'flags';
  limits?: Partial<Limits>;
}

export interface ParseResult {
  ok: boolean;
  /** Present when ok. */
  configuration?: FlagConfiguration;
  /** Errors and warnings, each with file/flag/path and, when the text is known, line/column. */
  diagnostics: Diagnostic[];
}

/** Compiled, immutable flags indexed by key (later definitions of one key win). */
export interface FlagSnapshot {
  readonly size: number;
  has(key: string): boolean;
  get(key: string): FlagDefinition | undefined;
  keys(): IterableIterator<string>;
  /** The flag-set metadata of the configuration (`{}` when none). */
  readonly metadata: FlagMetadata;
}

/** Which flag to evaluate, for whom (evaluateAny, explain). */
export interface FlagRequest {
  readonly flagKey: string;
  /** The caller's context (highest precedence). */
  readonly context?: EvaluationContext | undefined;
}

/**
 * A typed evaluation (evaluate). The request is read before any rule runs, so a caller on a hot
 * path may keep one request object and change its fields between calls: evaluating then
 * allocates nothing.
 */
export interface EvaluationRequest<T> extends FlagRequest {
  readonly type: FlagValueType;
  /** What the caller gets when the code default applies (and on errors). */
  readonly defaultValue: T;
}

export interface EvaluateOptions {
  /** Lowest-precedence context (the daemon's sync_context); the caller's context wins. */
  baseContext?: EvaluationContext;
  /** Clock in milliseconds, for `$flagd.timestamp` (tests). Default `Date.now`. */
  now?: () => number;
}

/** What `explain` returns next to the result: how the flag arrived at it. */
export interface ExplainTrace {
  readonly flagKey: string;
  /** `undefined` when the flag does not exist. */
  readonly state: FlagState | undefined;
  /** The visited targeting rule, when the flag has targeting and it ran. */
  readonly rule?: TraceNode;
  /** The raw value the targeting rule returned, when it ran. */
  readonly ruleResult?: unknown;
  readonly variant?: string;
  readonly reason: Reason;
  readonly errorCode?: ErrorCode;
  /** One line for humans, e.g. `targeting returned "on" → variant "on"`. */
  readonly why: string;
}

export type { Limits, TraceNode };
