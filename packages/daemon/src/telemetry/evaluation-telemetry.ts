// What every remote evaluation transport (gRPC, Connect and gRPC-Web, OFREP) reports: the
// per-evaluation counts (flagd's impression and result.reason metrics, counted in place) and,
// when traces are exported, flagd's spans. One object, built by the daemon, handed to each
// transport; with tracing off the transports start no span at all.
import type { EvaluationMetrics } from '../engine.js';
import type { Tracing } from './tracing.js';

export interface EvaluationTelemetry {
  /** Undefined when request metrics are off (TelemetryOptions.requestMetrics). */
  readonly evaluations: EvaluationMetrics | undefined;
  readonly tracing: Tracing | undefined;
}
