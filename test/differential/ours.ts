// Our engine as the differential test drives it: parse (strict, targeting errors isolated, as
// the daemon loads files; docs/architecture.md), snapshot, evaluate.
import {
  createSnapshot,
  type EvaluationContext,
  evaluate,
  type FlagSnapshot,
  formatDiagnostic,
  parseFlags,
} from '@switchyard/core';
import type { Json, ValueType } from './generate.js';
import type { Outcome } from './reference.js';

export class OurEngine {
  private snapshot: FlagSnapshot | undefined;

  load(text: string): string | undefined {
    const parsed = parseFlags(text, { mode: 'strict', targetingErrors: 'isolate' });
    if (!parsed.ok || !parsed.configuration) {
      this.snapshot = undefined;
      return parsed.diagnostics.map(formatDiagnostic).join('; ') || 'rejected';
    }
    this.snapshot = createSnapshot(parsed.configuration).snapshot;
    return undefined;
  }

  evaluate(
    type: ValueType,
    key: string,
    defaultValue: Json,
    context: Record<string, Json>,
  ): Outcome {
    if (!this.snapshot) throw new Error('no configuration loaded');
    const r = evaluate(this.snapshot, {
      flagKey: key,
      type,
      defaultValue,
      context: context as EvaluationContext,
    });
    return {
      value: r.value,
      variant: r.variant,
      reason: r.reason,
      errorCode: r.errorCode,
      flagMetadata: r.flagMetadata,
    };
  }
}
