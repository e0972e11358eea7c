// The provider's one seam to the flag engine (@switchyard/core `createEvaluator`,
// docs/architecture.md). Keeps core's ConfigurationError out of the provider's API and fixes the
// parse options the provider always uses.
import { createEvaluator, formatDiagnostic } from '@switchyard/core';
import type {
  EvaluationContext,
  EvaluationResult,
  FlagChanges,
  JsonValue,
  ParseOptions,
} from '@switchyard/core';
import { FlagConfigurationError } from './errors/flag-configuration-error.js';

export interface EngineParseOptions {
  /** Source name for diagnostics (file path, `sync <target>`, `inline`). */
  readonly source: string;
  readonly format: 'json' | 'auto';
}

type Resolve<T> = (
  key: string,
  defaultValue: T,
  context: EvaluationContext | undefined,
) => EvaluationResult<T>;

export interface Engine {
  /** Replaces the configuration; throws FlagConfigurationError and keeps the old one. */
  setConfiguration(input: string | JsonValue, parse: EngineParseOptions): FlagChanges;
  /** Lowest-precedence context (the enriched sync_context); the caller's context wins. */
  setBaseContext(context: EvaluationContext | undefined): void;
  readonly resolveBoolean: Resolve<boolean>;
  readonly resolveString: Resolve<string>;
  readonly resolveNumber: Resolve<number>;
  readonly resolveObject: Resolve<JsonValue>;
}

/** A fresh engine holding no configuration. */
export function createEngine(): Engine {
  const evaluator = createEvaluator();
  return {
    setConfiguration(input, parse) {
      const options: ParseOptions = {
        source: parse.source,
        format: parse.format,
        // One bad flag evaluates to PARSE_ERROR instead of blocking every other update
        // (js-provider.md "What a better provider would do" §3; docs/adr/0012).
        mode: 'isolating',
      };
      try {
        return evaluator.setConfiguration(input, options);
      } catch (error) {
        const diagnostics = (
          error as { diagnostics?: readonly Parameters<typeof formatDiagnostic>[0][] }
        ).diagnostics;
        const details =
          diagnostics && diagnostics.length > 0
            ? diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)
            : [error instanceof Error ? error.message : String(error)];
        throw new FlagConfigurationError(parse.source, details, { cause: error });
      }
    },
    setBaseContext: (context) => evaluator.setBaseContext(context),
    // No per-call options: the base context lives in the evaluator, so a call allocates nothing.
    resolveBoolean: (key, value, context) => evaluator.resolveBoolean(key, value, context),
    resolveString: (key, value, context) => evaluator.resolveString(key, value, context),
    resolveNumber: (key, value, context) => evaluator.resolveNumber(key, value, context),
    resolveObject: (key, value, context) => evaluator.resolveObject(key, value, context),
  };
}
