// A FlagClient over @switchyard/core: parse once, snapshot, `evaluate(snapshot, key, type,
// default, context)` per step (docs/architecture.md, "@switchyard/core public API").
import {
  createSnapshot,
  type EvaluationContext,
  evaluate,
  type FlagSnapshot,
  formatDiagnostic,
  type ParseOptions,
  parseFlags,
} from '@switchyard/core';
import type { FlagClient } from '../world.js';

export class ConfigurationRejectedError extends Error {
  override readonly name = 'ConfigurationRejectedError';
}

/** Parses a flag document into a snapshot; throws with every diagnostic when it is rejected. */
export function loadSnapshot(text: string, options: ParseOptions): FlagSnapshot {
  const parsed = parseFlags(text, options);
  if (!parsed.ok || !parsed.configuration) {
    const errors = parsed.diagnostics.map((d) => `  ${formatDiagnostic(d)}`).join('\n');
    throw new ConfigurationRejectedError(
      `${options.source ?? 'configuration'} rejected:\n${errors}`,
    );
  }
  return createSnapshot(parsed.configuration).snapshot;
}

export function coreEvaluatorClient(snapshot: FlagSnapshot): FlagClient {
  return {
    evaluateDetails(type, key, defaultValue, context) {
      const result = evaluate(snapshot, {
        flagKey: key,
        type,
        defaultValue,
        context: context as EvaluationContext,
      });
      return {
        value: result.value,
        variant: result.variant,
        reason: result.reason,
        errorCode: result.errorCode,
        errorMessage: result.errorMessage,
        flagMetadata: result.flagMetadata,
      };
    },
  };
}
