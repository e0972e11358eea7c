// The reference engine: @openfeature/flagd-core, the official JS in-process evaluator.
import { FlagdCore } from '@openfeature/flagd-core';
import type { Json, ValueType } from './generate.js';

export interface Outcome {
  readonly value: unknown;
  readonly variant: string | undefined;
  readonly reason: string | undefined;
  readonly errorCode: string | undefined;
  readonly flagMetadata: Readonly<Record<string, unknown>>;
}

const silent = {
  error: () => {},
  warn: () => {},
  info: () => {},
  debug: () => {},
};

export class ReferenceEngine {
  private readonly core = new FlagdCore(undefined, silent);

  /** Loads a configuration; returns an error message when the reference rejects it. */
  load(text: string): string | undefined {
    try {
      this.core.setConfigurations(text);
      return undefined;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }

  evaluate(
    type: ValueType,
    key: string,
    defaultValue: Json,
    context: Record<string, Json>,
  ): Outcome {
    const r = this.core.resolve(type, key, defaultValue as never, context, silent);
    return {
      value: r.value,
      variant: r.variant,
      reason: r.reason,
      errorCode: r.errorCode,
      flagMetadata: r.flagMetadata,
    };
  }
}
