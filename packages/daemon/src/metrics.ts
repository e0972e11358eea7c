// The daemon's metrics: one set of OpenTelemetry instruments in one MeterProvider per daemon (so
// several daemons can share a process: tests, embedding), read by two exporters: Prometheus text
// on the management port's /metrics (always) and OTLP/gRPC when `--metrics-exporter otel`
// (telemetry/telemetry.ts adds that reader). flagd's instruments keep flagd's names and
// attributes (https://flagd.dev/reference/monitoring/, open-feature/flagd:
// core/pkg/telemetry/metrics.go); ours are named so that Prometheus shows the `switchyard_*` names
// the daemon always had (dots become underscores, counters gain `_total`; docs/adr/0038).
import type { Counter, Histogram, Meter, UpDownCounter } from '@opentelemetry/api';
import { EvaluationMetrics } from './engine.js';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import type { Resource } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import type { MetricProducer, MetricReader } from '@opentelemetry/sdk-metrics';
import { observeProcess } from './telemetry/process-metrics.js';
import {
  PreAggregatedGauge,
  PreAggregatedHistogram,
  RequestMetricsProducer,
} from './telemetry/request-metrics.js';
import type { GenerationStore } from './store/generation-store.js';
import { newRuleErrors, ruleErrorsOf } from './store/rule-errors.js';
import type { UsageStore } from './usage/usage-store.js';
import { VERSION } from './version.js';

/** The instrumentation scope of every daemon instrument (flagd uses its service name). */
export const METER_NAME = 'switchyard';

/** flagd's buckets: seconds for request durations (Prometheus' defaults), stream lifetimes. */
const REQUEST_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
const STREAM_SECONDS = [30, 60, 120, 300, 480, 600, 1200, 1800, 3600, 10800];
/** flagd: 8 exponential buckets from 100 bytes. */
const BODY_BYTES = [100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];
const RPC_MS = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];
const PUBLISH_SECONDS = [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

export interface HttpInstruments {
  readonly duration: PreAggregatedHistogram;
  readonly requestSize: PreAggregatedHistogram;
  readonly responseSize: PreAggregatedHistogram;
  readonly active: PreAggregatedGauge;
}

export interface RpcInstruments {
  readonly duration: PreAggregatedHistogram;
  readonly requestSize: PreAggregatedHistogram;
  readonly responseSize: PreAggregatedHistogram;
  readonly requestsPerRpc: PreAggregatedHistogram;
  readonly responsesPerRpc: PreAggregatedHistogram;
}

export interface DaemonMetrics {
  readonly meter: Meter;
  /** Per-evaluation counts (flagd's impression and result.reason), read at collection. */
  readonly evaluations: EvaluationMetrics;
  readonly http: HttpInstruments;
  readonly rpc: RpcInstruments;
  /** Open SyncFlags streams: ours (no attributes) and flagd's (selector, provider_id). */
  readonly activeStreams: UpDownCounter;
  readonly syncActiveStreams: UpDownCounter;
  readonly syncStreamDuration: Histogram;
  /** Streams reset because a write was not taken within the stall timeout (service: sync, event). */
  readonly stalledStreams: Counter;
  readonly generations: Counter;
  readonly loadErrors: Counter;
  readonly ruleErrors: Counter;
  readonly publishLatency: Histogram;
  /** Evaluations providers reported (switchyard.usage.v1), bounded by the usage store's limits. */
  readonly flagEvaluations: Counter;
  readonly usageReports: Counter;
  /** Requests refused by --auth-config (no or unknown credential, a selector not allowed). */
  readonly authFailures: Counter;
  /** --auth-config reloads: applied or rejected (the last good one stays in force). */
  readonly authConfigReloads: Counter;
  /** 1 while the --auth-config file as it is now is the one in force; 0 after a rejected reload. */
  readonly authConfigValid: { set(value: number): void };
  /** TLS certificate, key or client CA reloads: applied or rejected (the last good ones stay). */
  readonly tlsReloads: Counter;
  /** Every instrument in Prometheus' text format (the management port's /metrics). */
  prometheus(): Promise<{ readonly contentType: string; readonly text: string }>;
  /** Flushes the readers (OTLP sends what it has) and stops them. */
  shutdown(): Promise<void>;
}

export interface MetricsOptions {
  /** More readers of the same instruments (the OTLP exporter), given the producers to read too. */
  readonly readers?: (producers: MetricProducer[]) => readonly MetricReader[];
  readonly resource?: Resource;
}

/** flagd's HTTP server instruments, aggregated in place (telemetry/request-metrics.ts). */
function httpInstruments(producer: RequestMetricsProducer): HttpInstruments {
  return {
    duration: producer.add(
      new PreAggregatedHistogram({
        name: 'http.server.request.duration',
        description: 'Measures the duration of inbound HTTP requests.',
        unit: 's',
        boundaries: REQUEST_SECONDS,
      }),
    ),
    requestSize: producer.add(
      new PreAggregatedHistogram({
        name: 'http.server.request.body.size',
        description: 'Measures the size of HTTP request messages.',
        unit: 'By',
        boundaries: BODY_BYTES,
      }),
    ),
    responseSize: producer.add(
      new PreAggregatedHistogram({
        name: 'http.server.response.body.size',
        description: 'Measures the size of HTTP response messages.',
        unit: 'By',
        boundaries: BODY_BYTES,
      }),
    ),
    active: producer.add(
      new PreAggregatedGauge({
        name: 'http.server.active_requests',
        description:
          'Measures the number of concurrent HTTP requests that are currently in-flight.',
        unit: '{request}',
      }),
    ),
  };
}

/** The RPC server instruments (otelgrpc's, as flagd records them), aggregated in place. */
function rpcInstruments(producer: RequestMetricsProducer): RpcInstruments {
  const histogram = (name: string, description: string, unit: string, boundaries: number[]) =>
    producer.add(new PreAggregatedHistogram({ name, description, unit, boundaries }));
  const counts = [1, 2, 5, 10, 100, 1000];
  return {
    duration: histogram(
      'rpc.server.duration',
      'Measures the duration of inbound RPC.',
      'ms',
      RPC_MS,
    ),
    requestSize: histogram(
      'rpc.server.request.size',
      'Measures size of RPC request messages (uncompressed).',
      'By',
      BODY_BYTES,
    ),
    responseSize: histogram(
      'rpc.server.response.size',
      'Measures size of RPC response messages (uncompressed).',
      'By',
      BODY_BYTES,
    ),
    requestsPerRpc: histogram(
      'rpc.server.requests_per_rpc',
      'Measures the number of messages received per RPC.',
      '{count}',
      counts,
    ),
    responsesPerRpc: histogram(
      'rpc.server.responses_per_rpc',
      'Measures the number of messages sent per RPC.',
      '{count}',
      counts,
    ),
  };
}

function syncInstruments(meter: Meter) {
  const activeStreams = meter.createUpDownCounter('switchyard.sync.active_streams', {
    description: 'Open flagd.sync.v1 SyncFlags streams',
  });
  activeStreams.add(0);
  return {
    activeStreams,
    syncActiveStreams: meter.createUpDownCounter('feature_flag.flagd.sync.active_streams', {
      description: 'Measures the number of currently active gRPC sync streaming connections.',
      unit: '{stream}',
    }),
    syncStreamDuration: meter.createHistogram('feature_flag.flagd.sync.stream.duration', {
      description: 'Measures the duration of gRPC sync streaming connections.',
      unit: 's',
      advice: { explicitBucketBoundaries: STREAM_SECONDS },
    }),
    stalledStreams: meter.createCounter('switchyard.stalled_streams.reset', {
      description:
        'Streams reset because a message was not taken by the client within the stall timeout (service: sync or event)',
    }),
  };
}

function storeInstruments(meter: Meter) {
  const generations = meter.createCounter('switchyard.generations.published', {
    description: 'Flag configuration generations published to subscribers',
  });
  generations.add(0);
  return {
    generations,
    loadErrors: meter.createCounter('switchyard.source.load_errors', {
      description:
        'Source loads rejected (missing, unreadable or invalid); the last good flags stay served',
    }),
    ruleErrors: meter.createCounter('switchyard.flag.rule_errors', {
      description: 'Flags published (added or changed) with an isolated rule error',
    }),
    publishLatency: meter.createHistogram('switchyard.publish.latency_seconds', {
      description: 'Time from the first file event of a burst to the generation being published',
      unit: 's',
      advice: { explicitBucketBoundaries: PUBLISH_SECONDS },
    }),
  };
}

function usageInstruments(meter: Meter) {
  return {
    flagEvaluations: meter.createCounter('switchyard.flag.evaluations', {
      description:
        'Flag evaluations reported by providers since the daemon started, by variant ("" = the caller\'s default) and reason',
    }),
    usageReports: meter.createCounter('switchyard.usage.reports', {
      description:
        'Usage reports received from providers: counted, repeat (a retried batch, counted once) or rejected (malformed)',
    }),
  };
}

/** --auth-config and TLS reloads (docs/adr/0036). */
function securityInstruments(meter: Meter) {
  const valid = meter.createObservableGauge('switchyard.auth.config.valid', {
    description:
      '1 while the --auth-config file is the configuration in force; 0 while its current content is rejected',
  });
  let current: number | undefined;
  valid.addCallback((result) => {
    if (current !== undefined) result.observe(current);
  });
  return {
    authFailures: meter.createCounter('switchyard.auth.failures', {
      description:
        'Requests refused by --auth-config, by transport and reason (no_credential, unknown_credential, permission_denied)',
    }),
    authConfigReloads: meter.createCounter('switchyard.auth.config.reloads', {
      description:
        '--auth-config reloads: applied, or rejected (the last good configuration stays in force)',
    }),
    authConfigValid: {
      set(value: number) {
        current = value;
      },
    },
    tlsReloads: meter.createCounter('switchyard.tls.reloads', {
      description:
        'TLS certificate, key or client CA reloads: applied, or rejected (the last good ones stay in force)',
    }),
  };
}

export function createMetrics(options: MetricsOptions = {}): DaemonMetrics {
  // The Prometheus exporter is a reader only here: /metrics is a route of the management
  // server (behind its guard), not a server of the exporter's own.
  const producer = new RequestMetricsProducer({ name: METER_NAME, version: VERSION });
  const producers = [producer];
  const prometheus = new PrometheusExporter({
    preventServerStart: true,
    metricProducers: producers,
  });
  const provider = new MeterProvider({
    readers: [prometheus, ...(options.readers?.(producers) ?? [])],
    ...(options.resource ? { resource: options.resource } : {}),
  });
  const meter = provider.getMeter(METER_NAME, VERSION);
  // Without scope labels, so every series reads as it did (`switchyard_flags_loaded 2`).
  const serializer = new PrometheusSerializer('', false, undefined, false, true);
  const evaluations = new EvaluationMetrics({ providerName: 'flagd' });
  evaluations.observe(meter);
  const stopProcess = observeProcess(meter);
  return {
    meter,
    evaluations,
    http: httpInstruments(producer),
    rpc: rpcInstruments(producer),
    ...syncInstruments(meter),
    ...storeInstruments(meter),
    ...usageInstruments(meter),
    ...securityInstruments(meter),
    async prometheus() {
      const { resourceMetrics } = await prometheus.collect();
      return {
        contentType: 'text/plain; version=0.0.4; charset=utf-8',
        text: serializer.serialize(resourceMetrics),
      };
    },
    shutdown: async () => {
      stopProcess();
      await provider.shutdown();
    },
  };
}

/** The store's state, read when a reader collects: generation, flags, sources, rule errors. */
function observeStoreState(store: GenerationStore, meter: Meter): void {
  const generation = meter.createObservableGauge('switchyard.generation', {
    description: 'Number of the current generation',
  });
  const flagsLoaded = meter.createObservableGauge('switchyard.flags_loaded', {
    description: 'Flags in the current generation (after merging)',
  });
  const ready = meter.createObservableGauge('switchyard.source.ready', {
    description: '1 while the source serves flags (it has had usable content since start)',
  });
  const healthy = meter.createObservableGauge('switchyard.source.healthy', {
    description:
      '1 while every entry of the source is usable; 0 while one is missing, unreadable or invalid (its last good content is served)',
  });
  const ruleErrorFlags = meter.createObservableGauge('switchyard.flags_with_rule_errors', {
    description:
      'Flags of the current generation served with an isolated rule error (evaluating them gives PARSE_ERROR)',
  });
  meter.addBatchObservableCallback(
    (result) => {
      const g = store.generation;
      result.observe(generation, g?.number ?? 0);
      result.observe(flagsLoaded, g?.flags.length ?? 0);
      const flagged = g === undefined ? undefined : ruleErrorsOf(g);
      for (const s of store.status()) {
        const source = { source: s.source };
        result.observe(ready, s.health === 'unavailable' ? 0 : 1, source);
        result.observe(healthy, s.health === 'ok' ? 1 : 0, source);
        result.observe(ruleErrorFlags, flagged?.get(s.source)?.length ?? 0, source);
      }
    },
    [generation, flagsLoaded, ready, healthy, ruleErrorFlags],
  );
}

/** Keeps the metrics current with the store's events. */
export function observeStore(store: GenerationStore, metrics: DaemonMetrics): () => void {
  observeStoreState(store, metrics.meter);
  for (const s of store.status()) metrics.ruleErrors.add(0, { source: s.source });
  return store.subscribe((event) => {
    if (event.type === 'problem') {
      metrics.loadErrors.add(1, { source: event.source, code: event.problem.code });
    }
    if (event.type !== 'generation') return;
    const g = event.generation;
    metrics.generations.add(1);
    if (g.eventAt !== undefined) metrics.publishLatency.record((g.publishedAt - g.eventAt) / 1000);
    for (const m of newRuleErrors(g)) metrics.ruleErrors.add(1, { source: m.sourceId });
  });
}

/** Counts the evaluations providers report (the store bounds the label values). */
export function observeUsage(usage: UsageStore, metrics: DaemonMetrics): () => void {
  return usage.subscribe((change) => {
    for (const c of change.counted) {
      metrics.flagEvaluations.add(c.count, {
        flag_key: c.key,
        flag_set_id: c.flagSetId ?? '',
        variant: c.variant,
        reason: c.reason,
      });
    }
  });
}
