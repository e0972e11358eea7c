// The provider's one seam to the flag engine (@switchyard/core `createEvaluator`, see
// docs/architecture.md). Everything else in the provider talks to this interface.
//
// TEMPORARY: @switchyard/core is being written in parallel. Until `createEvaluator` exists in
// its sources, this module falls back to @openfeature/flagd-core so the provider runs and its
// tests exercise real evaluation. Delete `createFallbackEngine` once core lands.
import { FlagdCore } from '@openfeature/flagd-core';
import * as core from '@switchyard/core';
import type {
  EvaluationContext,
  EvaluationResult,
  FlagChanges,
  JsonObject,
  JsonValue,
} from '@switchyard/core';
import { FlagConfigurationError } from './errors/flag-configuration-error.js';

export interface EngineParseOptions {
  /** Source name for diagnostics (file path, `sync <target>`, `inline`). */
  readonly source: string;
  readonly format?: 'json' | 'yaml' | 'auto';
}

export interface EngineEvaluateOptions {
  /** Lowest-precedence context (the enriched sync_context); the caller's context wins. */
  readonly baseContext?: EvaluationContext;
}

type Resolve<T> = (
  key: string,
  defaultValue: T,
  context: EvaluationContext | undefined,
  options: EngineEvaluateOptions | undefined,
) => EvaluationResult<T>;

export interface Engine {
  /** Replaces the configuration; throws FlagConfigurationError and keeps the old one. */
  setConfiguration(input: string | JsonValue, parse: EngineParseOptions): FlagChanges;
  readonly resolveBoolean: Resolve<boolean>;
  readonly resolveString: Resolve<string>;
  readonly resolveNumber: Resolve<number>;
  readonly resolveObject: Resolve<JsonValue>;
}

/** What we rely on from core's `createEvaluator()` (docs/architecture.md). */
interface CoreEvaluator {
  setConfiguration(
    input: string | JsonValue,
    parse?: { source?: string; format?: 'json' | 'yaml' | 'auto'; mode?: 'isolating' },
  ): FlagChanges;
  resolveBoolean: Resolve<boolean>;
  resolveString: Resolve<string>;
  resolveNumber: Resolve<number>;
  resolveObject: Resolve<JsonValue>;
}

interface DiagnosticLike {
  readonly message: string;
}
type CoreModule = {
  createEvaluator?: () => CoreEvaluator;
  formatDiagnostic?: (d: DiagnosticLike) => string;
};

function describe(error: unknown): string[] {
  const diagnostics = (error as { diagnostics?: readonly DiagnosticLike[] } | null)?.diagnostics;
  const format = (core as unknown as CoreModule).formatDiagnostic;
  if (Array.isArray(diagnostics) && diagnostics.length > 0) {
    return diagnostics.map((d: DiagnosticLike) => (format ? format(d) : d.message));
  }
  return [error instanceof Error ? error.message : String(error)];
}

function createCoreEngine(create: () => CoreEvaluator): Engine {
  const evaluator = create();
  return {
    setConfiguration(input, parse) {
      try {
        // isolating: one bad flag evaluates to PARSE_ERROR instead of blocking every update
        // (js-provider.md "What a better provider would do" §3; docs/adr/0012).
        return evaluator.setConfiguration(input, { ...parse, mode: 'isolating' });
      } catch (error) {
        throw new FlagConfigurationError(parse.source, describe(error), { cause: error });
      }
    },
    resolveBoolean: evaluator.resolveBoolean.bind(evaluator),
    resolveString: evaluator.resolveString.bind(evaluator),
    resolveNumber: evaluator.resolveNumber.bind(evaluator),
    resolveObject: evaluator.resolveObject.bind(evaluator),
  };
}

function createFallbackEngine(): Engine {
  const flagd = new FlagdCore();
  let known = new Set<string>();
  const merge = (context?: EvaluationContext, options?: EngineEvaluateOptions) =>
    (options?.baseContext ? { ...options.baseContext, ...context } : (context ?? {})) as Record<
      string,
      never
    >;
  return {
    setConfiguration(input, parse) {
      try {
        const text = typeof input === 'string' ? input : JSON.stringify(input);
        const changed = flagd.setConfigurations(text);
        const now = new Set(flagd.getFlags().keys());
        const added = [...now].filter((k) => !known.has(k));
        const removed = [...known].filter((k) => !now.has(k));
        const rest = changed.filter((k) => known.has(k) && now.has(k));
        known = now;
        return { added, removed, changed: rest };
      } catch (error) {
        throw new FlagConfigurationError(parse.source, describe(error), { cause: error });
      }
    },
    resolveBoolean: (k, d, c, o) =>
      flagd.resolveBooleanEvaluation(k, d, merge(c, o)) as EvaluationResult<boolean>,
    resolveString: (k, d, c, o) =>
      flagd.resolveStringEvaluation(k, d, merge(c, o)) as EvaluationResult<string>,
    resolveNumber: (k, d, c, o) =>
      flagd.resolveNumberEvaluation(k, d, merge(c, o)) as EvaluationResult<number>,
    resolveObject: (k, d, c, o) =>
      flagd.resolveObjectEvaluation(k, d as JsonObject, merge(c, o)) as EvaluationResult<JsonValue>,
  };
}

/** A fresh engine holding no configuration. */
export function createEngine(): Engine {
  const create = (core as unknown as CoreModule).createEvaluator;
  return create ? createCoreEngine(create) : createFallbackEngine();
}
