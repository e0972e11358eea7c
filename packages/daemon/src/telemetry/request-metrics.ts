// Per-request metrics aggregated in place, handed to the OpenTelemetry readers as a
// MetricProducer (the SDK's extension point for data aggregated elsewhere): every reader, the
// Prometheus one on /metrics and the OTLP one, collects them with the SDK's own instruments.
//
// Why not the SDK's synchronous instruments: each Histogram.record() and UpDownCounter.add() hashes
// its attribute set and walks the SDK's storage, several microseconds per call on the hardware
// this runs on; an evaluation request records five of them, a quarter of an OFREP request's cost
// (bench/remote-bench.ts measures it). Here a request finds its cell by a string key once (the
// attribute set is built only when the cell is new) and increments numbers in it.
import type { Attributes, HrTime } from '@opentelemetry/api';
import { ValueType } from '@opentelemetry/api';
import { hrTime } from '@opentelemetry/core';
import { AggregationTemporality, DataPointType } from '@opentelemetry/sdk-metrics';
import type {
  CollectionResult,
  MetricData,
  MetricProducer,
  ScopeMetrics,
} from '@opentelemetry/sdk-metrics';
import { emptyResource } from '@opentelemetry/resources';

export interface HistogramSpec {
  readonly name: string;
  readonly description: string;
  readonly unit: string;
  /** Upper bounds of the buckets, ascending (a last +Inf bucket is implied). */
  readonly boundaries: readonly number[];
}

/** One attribute set's histogram: cumulative counts, sum, min, max. */
export class HistogramCell {
  readonly counts: Float64Array;
  count = 0;
  sum = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;

  constructor(
    readonly attributes: Attributes,
    private readonly boundaries: readonly number[],
  ) {
    this.counts = new Float64Array(boundaries.length + 1);
  }

  record(value: number): void {
    const bounds = this.boundaries;
    let i = 0;
    while (i < bounds.length && value > (bounds[i] as number)) i++;
    this.counts[i] = (this.counts[i] as number) + 1;
    this.count++;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }
}

/** A histogram instrument whose cells are found by a caller-made key. */
export class PreAggregatedHistogram {
  private readonly cells = new Map<string, HistogramCell>();

  constructor(
    readonly spec: HistogramSpec,
    /** Most attribute sets kept; records for new sets past it are dropped (bounded memory). */
    private readonly maxCells = 2000,
  ) {}

  /** The cell of `key`; `attributes` is called only when the key is new. */
  cell(key: string, attributes: () => Attributes): HistogramCell | undefined {
    let cell = this.cells.get(key);
    if (cell === undefined) {
      if (this.cells.size >= this.maxCells) return undefined;
      cell = new HistogramCell(attributes(), this.spec.boundaries);
      this.cells.set(key, cell);
    }
    return cell;
  }

  data(startTime: HrTime, endTime: HrTime): MetricData {
    return {
      descriptor: { ...this.spec, valueType: ValueType.DOUBLE },
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      dataPointType: DataPointType.HISTOGRAM,
      dataPoints: [...this.cells.values()].map((c) => ({
        startTime,
        endTime,
        attributes: c.attributes,
        value: {
          buckets: { boundaries: [...this.spec.boundaries], counts: [...c.counts] },
          count: c.count,
          sum: c.sum,
          ...(c.count > 0 ? { min: c.min, max: c.max } : {}),
        },
      })),
    };
  }
}

/** An up-down counter (a non-monotonic sum) whose cells are found by a caller-made key. */
export class PreAggregatedGauge {
  private readonly cells = new Map<string, { readonly attributes: Attributes; value: number }>();

  constructor(
    readonly spec: Omit<HistogramSpec, 'boundaries'>,
    private readonly maxCells = 2000,
  ) {}

  cell(key: string, attributes: () => Attributes): { value: number } | undefined {
    let cell = this.cells.get(key);
    if (cell === undefined) {
      if (this.cells.size >= this.maxCells) return undefined;
      cell = { attributes: attributes(), value: 0 };
      this.cells.set(key, cell);
    }
    return cell;
  }

  data(startTime: HrTime, endTime: HrTime): MetricData {
    return {
      descriptor: { ...this.spec, valueType: ValueType.INT },
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      dataPointType: DataPointType.SUM,
      isMonotonic: false,
      dataPoints: [...this.cells.values()].map((c) => ({
        startTime,
        endTime,
        attributes: c.attributes,
        value: c.value,
      })),
    };
  }
}

/** The producer the readers collect: every pre-aggregated instrument of one scope. */
export class RequestMetricsProducer implements MetricProducer {
  private readonly startTime = hrTime();
  private readonly instruments: (PreAggregatedHistogram | PreAggregatedGauge)[] = [];

  constructor(private readonly scope: { readonly name: string; readonly version?: string }) {}

  add<T extends PreAggregatedHistogram | PreAggregatedGauge>(instrument: T): T {
    this.instruments.push(instrument);
    return instrument;
  }

  async collect(): Promise<CollectionResult> {
    const endTime = hrTime();
    const scopeMetrics: ScopeMetrics = {
      scope: this.scope,
      metrics: this.instruments.map((i) => i.data(this.startTime, endTime)),
    };
    return {
      // The readers report their MeterProvider's resource; a producer's is not used.
      resourceMetrics: { resource: emptyResource(), scopeMetrics: [scopeMetrics] },
      errors: [],
    };
  }
}
