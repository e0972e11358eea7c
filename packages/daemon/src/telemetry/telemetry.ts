// The telemetry seam: flagd's `--metrics-exporter` and OpenTelemetry options
// (open-feature/flagd:core/pkg/telemetry/builder.go), validated by the CLI and handed here.
// Prometheus is always served on the management port's /metrics. OTLP export of metrics and
// traces (`otel`) is not built yet: this is where it starts and stops, so adding it changes no
// caller. Until then `otel` is accepted (the OpenFeature operator passes it) and says so.
import type { Logger } from '../logger.js';
import type { DaemonMetrics } from '../metrics.js';

export interface TelemetryOptions {
  /** flagd's `--metrics-exporter`: `prometheus` (default) or `otel`. */
  readonly metricsExporter: 'prometheus' | 'otel';
  /** `--otel-collector-uri`: the OTLP/gRPC collector (`host:port` or a URL). */
  readonly otelCollectorUri?: string | undefined;
  /** `--otel-cert-path`, `--otel-key-path`, `--otel-ca-path`: TLS to the collector. */
  readonly otelCertPath?: string | undefined;
  readonly otelKeyPath?: string | undefined;
  readonly otelCaPath?: string | undefined;
  /** `--otel-reload-interval`: how often the TLS files are read again (ms). */
  readonly otelReloadIntervalMs?: number | undefined;
}

export interface Telemetry {
  /** Flushes and stops every exporter. */
  close(): Promise<void>;
}

export interface TelemetryInit {
  readonly metrics: DaemonMetrics;
  readonly logger: Logger;
  /** OTEL_* variables (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_RESOURCE_ATTRIBUTES, ...). */
  readonly env: NodeJS.ProcessEnv;
}

/** Starts what `options` asks for; Prometheus on /metrics needs nothing here. */
export function startTelemetry(
  options: TelemetryOptions | undefined,
  init: TelemetryInit,
): Telemetry {
  if (options?.metricsExporter === 'otel') {
    const target = options.otelCollectorUri ?? init.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    init.logger.warn(
      { metricsExporter: 'otel', otelCollectorUri: target },
      `--metrics-exporter otel: OTLP export is not implemented yet; nothing is sent to ${target ?? 'a collector'}. Metrics stay on the management port's /metrics (Prometheus); no traces are exported`,
    );
  }
  return { close: async () => {} };
}
