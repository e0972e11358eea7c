// OpenTelemetry export, configured as flagd's is (open-feature/flagd:core/pkg/telemetry/builder.go,
// https://flagd.dev/reference/monitoring/#export-to-otel-collector):
// - metrics over OTLP/gRPC with `--metrics-exporter otel` (to `--otel-collector-uri`, else the
//   standard OTEL_EXPORTER_OTLP_* variables); Prometheus on /metrics stays on either way (a
//   second reader of the same instruments, metrics.ts);
// - traces over OTLP/gRPC whenever a collector is named (`--otel-collector-uri`, or
//   OTEL_EXPORTER_OTLP_[TRACES_]ENDPOINT) and OTEL_TRACES_EXPORTER is not `none`; otherwise no
//   tracer exists and no span is ever started;
// - TLS to the collector from --otel-cert-path/--otel-key-path/--otel-ca-path;
// - the resource from OTEL_RESOURCE_ATTRIBUTES and OTEL_SERVICE_NAME over service.name
//   `switchyard`.
// Providers are per daemon (several daemons share a process in tests and embeddings); only the
// context manager, which carries the active span across callbacks, is registered globally.
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  defaultResource,
  detectResources,
  envDetector,
  type Resource,
  resourceFromAttributes,
} from '@opentelemetry/resources';
import { PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import type { MetricProducer, MetricReader } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { Logger } from '../logger.js';
import { VERSION } from '../version.js';
import { CollectorTls } from './collector-tls.js';
import { reportingMetricExporter, reportingSpanExporter } from './export-reporting.js';
import {
  type CollectorConnection,
  type OtlpProtocol,
  PROTOCOL_NAME,
  metricExporter,
  otlpProtocol,
  spanExporter,
} from './otlp-exporters.js';
import { samplerFromEnv } from './sampler.js';
import { Tracing } from './tracing.js';

export interface TelemetryOptions {
  /** flagd's `--metrics-exporter`: `prometheus` (default) or `otel`. */
  readonly metricsExporter: 'prometheus' | 'otel';
  /** `--otel-collector-uri`: the OTLP/gRPC collector (`host:port` or a URL). */
  readonly otelCollectorUri?: string | undefined;
  /** `--otel-cert-path`, `--otel-key-path`, `--otel-ca-path`: TLS to the collector. */
  readonly otelCertPath?: string | undefined;
  readonly otelKeyPath?: string | undefined;
  readonly otelCaPath?: string | undefined;
  /**
   * `--otel-reload-interval` (ms, default 1 h as flagd's): how often the TLS files are read
   * again, so a certificate rotated on disk is used without a restart (0: read once).
   */
  readonly otelReloadIntervalMs?: number | undefined;
  /** How often metrics are exported over OTLP (default OTEL_METRIC_EXPORT_INTERVAL, else 60 s). */
  readonly metricExportIntervalMs?: number | undefined;
  /**
   * false: no per-evaluation counts and no per-request HTTP and RPC metrics (embeddings that
   * count elsewhere; the benchmark's baseline). Default true.
   */
  readonly requestMetrics?: boolean | undefined;
}

export interface Telemetry {
  /** Readers of the daemon's instruments besides Prometheus (OTLP, when configured). */
  readonly metricReaders: (producers: MetricProducer[]) => readonly MetricReader[];
  readonly resource: Resource;
  /** Undefined when traces are not exported: then no span is started anywhere. */
  readonly tracing: Tracing | undefined;
  /** Where metrics and traces go, for the start-up log. */
  readonly describe: { readonly metrics?: string; readonly traces?: string };
  /** Flushes and stops the trace exporter (the metric readers stop with the meter provider). */
  close(): Promise<void>;
}

export interface TelemetryInit {
  readonly logger: Logger;
  /** OTEL_* variables (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_RESOURCE_ATTRIBUTES, ...). */
  readonly env: NodeJS.ProcessEnv;
}

/** flagd's default --otel-reload-interval. */
const DEFAULT_RELOAD_INTERVAL_MS = 3_600_000;

/** `host:port` becomes a URL: http (plaintext) unless TLS files are given. */
export function collectorUrl(uri: string, tls: boolean): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(uri) ? uri : `${tls ? 'https' : 'http'}://${uri}`;
}

/** service.name `switchyard`; OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES (process.env) win. */
function resourceOf(): Resource {
  return defaultResource()
    .merge(resourceFromAttributes({ 'service.name': 'switchyard', 'service.version': VERSION }))
    .merge(detectResources({ detectors: [envDetector] }));
}

function positive(text: string | undefined): number | undefined {
  const n = Number(text);
  return text !== undefined && Number.isFinite(n) && n > 0 ? n : undefined;
}

/** OTEL_SDK_DISABLED=true: nothing is exported over OTLP (Prometheus on /metrics stays). */
const sdkDisabled = (env: NodeJS.ProcessEnv) =>
  (env.OTEL_SDK_DISABLED ?? '').trim().toLowerCase() === 'true';

/** Whether traces are exported: a collector is named and OTEL_TRACES_EXPORTER is not `none`. */
function tracesWanted(options: TelemetryOptions | undefined, env: NodeJS.ProcessEnv): boolean {
  if (sdkDisabled(env)) return false;
  if ((env.OTEL_TRACES_EXPORTER ?? '').trim().toLowerCase() === 'none') return false;
  return Boolean(
    options?.otelCollectorUri ||
      env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ||
      env.OTEL_EXPORTER_OTLP_ENDPOINT,
  );
}

function metricReader(
  options: TelemetryOptions,
  init: TelemetryInit & {
    readonly connection: CollectorConnection;
    readonly producers: MetricProducer[];
  },
): MetricReader {
  const interval =
    options.metricExportIntervalMs ?? positive(init.env.OTEL_METRIC_EXPORT_INTERVAL) ?? 60_000;
  const timeout = Math.min(positive(init.env.OTEL_METRIC_EXPORT_TIMEOUT) ?? 30_000, interval);
  return new PeriodicExportingMetricReader({
    exporter: reportingMetricExporter(
      metricExporter(init.connection, otlpProtocol(init.env, 'metrics')),
      init.logger,
    ),
    exportIntervalMillis: interval,
    exportTimeoutMillis: timeout,
    metricProducers: init.producers,
  });
}

/** Registers the async-hooks context manager unless the process already has one. */
function ensureContextManager(): void {
  const manager = new AsyncLocalStorageContextManager();
  if (context.setGlobalContextManager(manager.enable())) return;
  manager.disable();
}

/** Starts what `options` asks for; Prometheus on /metrics needs nothing here. */
export async function startTelemetry(
  options: TelemetryOptions | undefined,
  init: TelemetryInit,
): Promise<Telemetry> {
  const resource = resourceOf();
  const tls = await CollectorTls.start(
    {
      certPath: options?.otelCertPath,
      keyPath: options?.otelKeyPath,
      caPath: options?.otelCaPath,
      reloadIntervalMs: options?.otelReloadIntervalMs ?? DEFAULT_RELOAD_INTERVAL_MS,
    },
    init.logger,
  );
  const uri = options?.otelCollectorUri;
  const connection: CollectorConnection = {
    url: uri === undefined ? undefined : collectorUrl(uri, tls !== undefined),
    tls,
  };
  const otlpMetrics = options?.metricsExporter === 'otel' && !sdkDisabled(init.env);
  // Checked at start, so a wrong protocol variable fails the start (as flagd's does).
  const metricsProtocol = otlpMetrics ? otlpProtocol(init.env, 'metrics') : undefined;
  const metricReaders = (producers: MetricProducer[]) =>
    options !== undefined && otlpMetrics
      ? [metricReader(options, { ...init, connection, producers })]
      : [];
  let provider: TracerProvider | undefined;
  let tracesProtocol: OtlpProtocol | undefined;
  if (tracesWanted(options, init.env)) {
    tracesProtocol = otlpProtocol(init.env, 'traces');
    ensureContextManager();
    provider = new TracerProvider({
      resource,
      sampler: samplerFromEnv(init.env),
      spanProcessors: [
        new BatchSpanProcessor({
          exporter: reportingSpanExporter(spanExporter(connection, tracesProtocol), init.logger),
        }),
      ],
    });
  }
  const where = (protocol: OtlpProtocol, signal: 'METRICS' | 'TRACES') =>
    `${PROTOCOL_NAME[protocol]} ${
      connection.url ??
      init.env[`OTEL_EXPORTER_OTLP_${signal}_ENDPOINT`] ??
      init.env.OTEL_EXPORTER_OTLP_ENDPOINT ??
      (protocol === 'grpc' ? 'http://localhost:4317 (default)' : 'http://localhost:4318 (default)')
    }`;
  return {
    metricReaders,
    resource,
    tracing: provider === undefined ? undefined : new Tracing(provider),
    describe: {
      ...(metricsProtocol ? { metrics: where(metricsProtocol, 'METRICS') } : {}),
      ...(tracesProtocol ? { traces: where(tracesProtocol, 'TRACES') } : {}),
    },
    close: async () => {
      await provider?.shutdown();
      tls?.close();
    },
  };
}
