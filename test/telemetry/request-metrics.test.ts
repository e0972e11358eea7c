// The per-request metrics the daemon aggregates in place must read exactly as the OpenTelemetry
// SDK's own histograms would: for any values, the same bucket counts, count, sum, min and max.
// Cells are bounded, routes never carry a flag key, and a collector that is down neither fails nor
// holds a daemon's shutdown (it is reported once as a warning).
import { Writable } from 'node:stream';
import { createLogger, startDaemon } from '@switchyard/daemon';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import type { DataPoint, Histogram } from '@opentelemetry/sdk-metrics';
import fc from 'fast-check';
import { PreAggregatedHistogram } from '../../packages/daemon/src/telemetry/request-metrics.js';
import { ofrepRoute } from '../../packages/daemon/src/remote/ofrep-server.js';
import { closedPort } from '../../packages/provider/test/support/flags.js';

class TestReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

const BOUNDARIES = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

async function sdkHistogram(values: readonly number[]): Promise<Histogram> {
  const reader = new TestReader();
  const provider = new MeterProvider({ readers: [reader] });
  const histogram = provider
    .getMeter('t')
    .createHistogram('h', { advice: { explicitBucketBoundaries: BOUNDARIES } });
  for (const v of values) histogram.record(v);
  const { resourceMetrics } = await reader.collect();
  await provider.shutdown();
  const point = resourceMetrics.scopeMetrics[0]?.metrics[0]?.dataPoints[0] as DataPoint<Histogram>;
  return point.value;
}

test('a pre-aggregated histogram reads as the SDK histogram of the same values', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(
        fc.oneof(fc.double({ min: 0, max: 20, noNaN: true }), fc.constantFrom(...BOUNDARIES)),
        { minLength: 1, maxLength: 200 },
      ),
      async (values) => {
        const ours = new PreAggregatedHistogram({
          name: 'h',
          description: '',
          unit: 's',
          boundaries: BOUNDARIES,
        });
        const cell = ours.cell('k', () => ({}))!;
        for (const v of values) cell.record(v);
        const point = ours.data([0, 0], [0, 0]).dataPoints[0] as DataPoint<Histogram>;
        const sdk = await sdkHistogram(values);
        expect(point.value.buckets).toEqual(sdk.buckets);
        expect(point.value.count).toBe(sdk.count);
        expect(point.value.sum).toBeCloseTo(sdk.sum ?? 0, 9);
        expect(point.value.min).toBe(sdk.min);
        expect(point.value.max).toBe(sdk.max);
      },
    ),
    { numRuns: 60 },
  );
});

test('cells are bounded: attribute sets past the limit are dropped, not kept', () => {
  const histogram = new PreAggregatedHistogram(
    { name: 'h', description: '', unit: 's', boundaries: [1] },
    3,
  );
  for (let i = 0; i < 10; i++) histogram.cell(`k${i}`, () => ({ i }))?.record(1);
  expect(histogram.data([0, 0], [0, 0]).dataPoints).toHaveLength(3);
});

test('OFREP routes name the flag key as {key}: any path maps to one of three routes', () => {
  fc.assert(
    fc.property(fc.string(), (tail) => {
      expect(['/ofrep/v1/evaluate/flags', '/ofrep/v1/evaluate/flags/{key}', 'other']).toContain(
        ofrepRoute(`/ofrep/v1/evaluate/flags/${tail}`),
      );
    }),
  );
});

test('a collector that is down: the daemon serves, warns once, and closes without waiting on it', async () => {
  const lines: { level: number; msg: string }[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  const daemon = await startDaemon({
    sources: [],
    host: '127.0.0.1',
    syncPort: 0,
    managementPort: 0,
    logger: createLogger({ format: 'json', level: 'debug', destination }),
    telemetry: {
      metricsExporter: 'otel',
      otelCollectorUri: `127.0.0.1:${await closedPort()}`,
      metricExportIntervalMs: 3_600_000,
    },
  });
  await daemon.close();
  const failures = lines.filter((l) => /OTLP (metrics|traces) export failed/.test(l.msg));
  expect(failures.length).toBeGreaterThan(0);
  expect(failures.filter((l) => l.level === 40).length).toBeLessThanOrEqual(2); // one per signal
});
