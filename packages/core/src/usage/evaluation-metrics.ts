// flagd's per-evaluation metrics (https://flagd.dev/reference/monitoring/, open-feature/flagd:
// core/pkg/telemetry/metrics.go), counted the cheap way: an evaluation increments a number in
// place (UsageCounter: a map lookup, a pointer comparison, an addition), and the two OpenTelemetry
// counters read the running totals only when a metric reader collects. Recording through the
// SDK's synchronous counters instead would hash an attribute set on every evaluation.
//
// Core has no OpenTelemetry dependency: `MeterLike` is the part of `@opentelemetry/api`'s `Meter`
// used here, so the daemon's and the provider's meters both fit it.
import { UsageCounter } from './usage-counter.js';
import type { UsageCounterLimits } from './usage-counter.js';

/** flagd's instrument names. */
export const IMPRESSION_METRIC = 'feature_flag.flagd.impression';
export const RESULT_REASON_METRIC = 'feature_flag.flagd.result.reason';

type Attributes = Record<string, string>;

/** An observable instrument, as the meter hands it out (opaque here). */
export type ObservableLike = object;

export interface BatchResultLike {
  observe(instrument: ObservableLike, value: number, attributes?: Attributes): void;
}

/** The part of `@opentelemetry/api`'s Meter this module uses. */
export interface MeterLike {
  createObservableCounter(
    name: string,
    options?: { readonly description?: string; readonly unit?: string },
  ): ObservableLike;
  addBatchObservableCallback(
    callback: (result: BatchResultLike) => void,
    observables: ObservableLike[],
  ): void;
  removeBatchObservableCallback(
    callback: (result: BatchResultLike) => void,
    observables: ObservableLike[],
  ): void;
}

/** What an evaluation answered (core's EvaluationResult fits). */
export interface CountedResult {
  readonly variant?: string | undefined;
  readonly reason: string;
  readonly errorCode?: string | undefined;
}

export interface EvaluationMetricsOptions {
  /** `feature_flag.provider.name` (flagd: `flagd`). */
  readonly providerName: string;
  /** Bounds of the flags and variants counted (UsageCounter's defaults otherwise). */
  readonly limits?: Partial<UsageCounterLimits>;
}

export class EvaluationMetrics {
  private readonly results: UsageCounter;
  /** Errors by code: a fixed, small set (the flag key is left out, as flagd does). */
  private readonly errors = new Map<string, number>();
  private readonly providerName: string;

  constructor(options: EvaluationMetricsOptions) {
    this.providerName = options.providerName;
    this.results = new UsageCounter(options.limits);
  }

  /** Counts one evaluation of `key` (the hot path: no allocation once the result was seen). */
  record(key: string, result: CountedResult): void {
    const code = result.errorCode;
    if (code === undefined) {
      this.results.record(key, result.variant, result.reason, undefined);
      return;
    }
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
  }

  /**
   * Registers `feature_flag.flagd.impression` (successful evaluations by flag, variant and
   * reason) and `feature_flag.flagd.result.reason` (every evaluation by reason; by flag when it
   * succeeded, by `error.type` when it failed) on `meter`. Returns the unregistration.
   */
  observe(meter: MeterLike): () => void {
    const impressions = meter.createObservableCounter(IMPRESSION_METRIC, {
      description: 'Measures the number of evaluations for a given flag.',
      unit: '{impression}',
    });
    const reasons = meter.createObservableCounter(RESULT_REASON_METRIC, {
      description: 'Measures the number of evaluations for a given reason.',
      unit: '{reason}',
    });
    const provider = this.providerName;
    const callback = (result: BatchResultLike) => {
      const byReason = new Map<string, number>();
      this.results.each((key, variant, reason, count) => {
        result.observe(impressions, count, {
          'feature_flag.key': key,
          'feature_flag.result.variant': variant,
          'feature_flag.provider.name': provider,
          'feature_flag.reason': reason,
        });
        const reasonKey = `${reason}\u0000${key}`;
        byReason.set(reasonKey, (byReason.get(reasonKey) ?? 0) + count);
      });
      for (const [reasonKey, count] of byReason) {
        const [reason, key] = reasonKey.split('\u0000') as [string, string];
        result.observe(reasons, count, {
          'feature_flag.provider.name': provider,
          'feature_flag.reason': reason,
          'feature_flag.key': key,
        });
      }
      for (const [code, count] of this.errors) {
        result.observe(reasons, count, {
          'feature_flag.provider.name': provider,
          'feature_flag.reason': 'ERROR',
          'error.type': code,
        });
      }
    };
    meter.addBatchObservableCallback(callback, [impressions, reasons]);
    return () => meter.removeBatchObservableCallback(callback, [impressions, reasons]);
  }
}
