// SwitchyardProvider with OpenTelemetry: OpenFeature's own hooks (@openfeature/open-telemetry-hooks)
// see its evaluations, with its name, variants and reasons, like any provider's; and, opt-in
// (evaluationMetrics), the provider counts its evaluations with the daemon's instruments
// (feature_flag.flagd.impression and feature_flag.flagd.result.reason, provider name `switchyard`).
// Real OpenTelemetry SDKs (tracing and metrics) registered globally, as an application does.
import { MetricsHook, SpanHook } from '@openfeature/open-telemetry-hooks';
import { OpenFeature } from '@openfeature/server-sdk';
import { context, metrics, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import type { DataPoint, MetricData } from '@opentelemetry/sdk-metrics';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { SwitchyardProvider } from '../src/index.js';
import { TestEvaluationServer } from './support/evaluation-server.js';
import { flagConfig, silentLogger } from './support/flags.js';

/** A reader the test collects from when it wants to (no timer, no export). */
class TestReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

const spans = new InMemorySpanExporter();
const tracerProvider = new TracerProvider({
  spanProcessors: [new SimpleSpanProcessor({ exporter: spans })],
});
const reader = new TestReader();
const meterProvider = new MeterProvider({ readers: [reader] });
const contextManager = new AsyncLocalStorageContextManager().enable();

beforeAll(() => {
  context.setGlobalContextManager(contextManager);
  trace.setGlobalTracerProvider(tracerProvider);
  metrics.setGlobalMeterProvider(meterProvider);
});

afterAll(async () => {
  await OpenFeature.close();
  await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);
  trace.disable();
  metrics.disable();
  context.disable();
});

async function collect(): Promise<Map<string, MetricData>> {
  const { resourceMetrics } = await reader.collect();
  const byName = new Map<string, MetricData>();
  for (const scope of resourceMetrics.scopeMetrics) {
    for (const metric of scope.metrics) byName.set(metric.descriptor.name, metric);
  }
  return byName;
}

function points(metric: MetricData | undefined): { attributes: object; value: unknown }[] {
  return ((metric?.dataPoints ?? []) as DataPoint<unknown>[]).map((p) => ({
    attributes: p.attributes,
    value: p.value,
  }));
}

test("OpenFeature's SpanHook and MetricsHook record SwitchyardProvider's evaluations", async () => {
  const provider = new SwitchyardProvider(
    { flagConfiguration: flagConfig('blue') },
    silentLogger(),
  );
  await OpenFeature.setProviderAndWait('otel-hooks', provider);
  const client = OpenFeature.getClient('otel-hooks');
  client.addHooks(new SpanHook(), new MetricsHook());

  expect(await client.getStringValue('color', 'none')).toBe('blue');
  expect(await client.getBooleanValue('new-ui', false, { tier: 'gold' })).toBe(true);
  expect(await client.getBooleanValue('missing', false)).toBe(false);

  const evaluations = spans.getFinishedSpans().filter((s) => s.name === 'feature_flag.evaluation');
  expect(evaluations.map((s) => s.attributes)).toEqual([
    expect.objectContaining({
      'feature_flag.key': 'color',
      'feature_flag.provider.name': 'switchyard',
      'feature_flag.result.variant': 'blue',
      'feature_flag.result.reason': 'static',
    }),
    expect.objectContaining({
      'feature_flag.key': 'new-ui',
      'feature_flag.result.variant': 'on',
      'feature_flag.result.reason': 'targeting_match',
    }),
    expect.objectContaining({ 'feature_flag.key': 'missing', 'error.type': 'flag_not_found' }),
  ]);
  const collected = await collect();
  expect(points(collected.get('feature_flag.evaluation_success_total'))).toContainEqual({
    attributes: expect.objectContaining({
      'feature_flag.key': 'color',
      'feature_flag.provider.name': 'switchyard',
      'feature_flag.result.variant': 'blue',
    }),
    value: 1,
  });
  expect(points(collected.get('feature_flag.evaluation_error_total'))).toContainEqual({
    attributes: expect.objectContaining({ 'feature_flag.key': 'missing' }),
    value: 1,
  });
  // Not opted in: the provider records no metrics of its own.
  expect(collected.has('feature_flag.flagd.impression')).toBe(false);
});

test('evaluationMetrics: the provider counts its evaluations with the daemon’s instruments', async () => {
  const provider = new SwitchyardProvider(
    {
      flagConfiguration: flagConfig('red'),
      evaluationMetrics: true,
    },
    silentLogger(),
  );
  await OpenFeature.setProviderAndWait('own-metrics', provider);
  const client = OpenFeature.getClient('own-metrics');
  for (let i = 0; i < 3; i++) await client.getStringValue('color', 'none');
  await client.getBooleanValue('new-ui', false, { tier: 'silver' });
  await client.getBooleanValue('missing', false);

  const collected = await collect();
  expect(points(collected.get('feature_flag.flagd.impression'))).toEqual(
    expect.arrayContaining([
      {
        attributes: {
          'feature_flag.key': 'color',
          'feature_flag.result.variant': 'red',
          'feature_flag.provider.name': 'switchyard',
          'feature_flag.reason': 'STATIC',
        },
        value: 3,
      },
      {
        attributes: {
          'feature_flag.key': 'new-ui',
          'feature_flag.result.variant': 'off',
          'feature_flag.provider.name': 'switchyard',
          'feature_flag.reason': 'TARGETING_MATCH',
        },
        value: 1,
      },
    ]),
  );
  expect(points(collected.get('feature_flag.flagd.result.reason'))).toContainEqual({
    attributes: {
      'feature_flag.provider.name': 'switchyard',
      'feature_flag.reason': 'ERROR',
      'error.type': 'FLAG_NOT_FOUND',
    },
    value: 1,
  });
  await OpenFeature.clearProviders();
});

test('evaluationMetrics in RPC mode: the answers of the daemon are counted on the client too', async () => {
  const server = await TestEvaluationServer.start();
  server.answers.set('color', { value: 'red', variant: 'red', reason: 'TARGETING_MATCH' });
  const reader2 = new TestReader();
  const meters = new MeterProvider({ readers: [reader2] });
  const provider = new SwitchyardProvider(
    {
      resolverType: 'rpc',
      host: '127.0.0.1',
      port: server.port,
      deadlineMs: 5000,
      evaluationMetrics: true,
      meter: meters.getMeter('rpc-test'),
    },
    silentLogger(),
  );
  try {
    await provider.initialize();
    for (let i = 0; i < 2; i++) await provider.resolveStringEvaluation('color', 'none', {});
    const { resourceMetrics } = await reader2.collect();
    const impressions = resourceMetrics.scopeMetrics
      .flatMap((s) => s.metrics)
      .find((m) => m.descriptor.name === 'feature_flag.flagd.impression');
    expect(points(impressions)).toEqual([
      {
        attributes: {
          'feature_flag.key': 'color',
          'feature_flag.result.variant': 'red',
          'feature_flag.provider.name': 'switchyard',
          'feature_flag.reason': 'TARGETING_MATCH',
        },
        value: 2,
      },
    ]);
  } finally {
    await provider.onClose();
    server.kill();
    await meters.shutdown();
  }
});
