// What OTLP export needs and nothing else does: the OTLP/gRPC exporters (with their transformer
// and exporter-base packages), the trace SDK and the async-hooks context manager. telemetry.ts
// loads this module only when a collector is configured, so a daemon that exports nothing (the
// default: Prometheus on /metrics) neither loads nor keeps their code, ~90 modules and ~4 MB of
// resident memory.
export { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
export { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
export { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
export { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
export { reportingMetricExporter, reportingSpanExporter } from './export-reporting.js';
export { samplerFromEnv } from './sampler.js';
