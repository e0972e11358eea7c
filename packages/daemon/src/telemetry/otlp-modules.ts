// What OTLP export needs and nothing else does: the OTLP exporters (gRPC and http/protobuf, with
// their transformer and exporter-base packages), the trace SDK and the async-hooks context
// manager. telemetry.ts loads this module only when something is exported, so a daemon that
// exports nothing (the default: Prometheus on /metrics) neither loads nor keeps their code
// (~90 modules; an idle daemon's RSS 89.3 -> 84.7 MB and heap used 19.0 -> 18.1 MB when they
// were left out, measured 2026-12-06).
export { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
export { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
export { reportingMetricExporter, reportingSpanExporter } from './export-reporting.js';
export { PROTOCOL_NAME, metricExporter, otlpProtocol, spanExporter } from './otlp-exporters.js';
export { samplerFromEnv } from './sampler.js';
