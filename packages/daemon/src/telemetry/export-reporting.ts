// Export failures are reported in the daemon's log: the first failure (and the first after a
// success) as a warning naming the signal and the error, repeats at debug level, a recovery at
// info. OpenTelemetry's own error handler is process-global and silent by default; this keeps
// the report per daemon and never floods the log when a collector is down for hours.
import { ExportResultCode } from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import type { Logger } from '../logger.js';

interface Exporter<T> {
  export(items: T, done: (result: ExportResult) => void): void;
}

function reporting<T, E extends Exporter<T>>(exporter: E, logger: Logger, signal: string): E {
  let failing = false;
  const original = exporter.export.bind(exporter);
  exporter.export = (items: T, done: (result: ExportResult) => void) =>
    original(items, (result) => {
      if (result.code === ExportResultCode.SUCCESS) {
        if (failing) logger.info({ signal }, `OTLP ${signal} export works again`);
        failing = false;
      } else {
        const message = result.error?.message ?? 'failed';
        if (failing) logger.debug({ signal, err: result.error }, `OTLP ${signal} export failed`);
        else logger.warn({ signal }, `OTLP ${signal} export failed: ${message}`);
        failing = true;
      }
      done(result);
    });
  return exporter;
}

export function reportingMetricExporter<E extends PushMetricExporter>(
  exporter: E,
  logger: Logger,
): E {
  return reporting(exporter, logger, 'metrics');
}

export function reportingSpanExporter<E extends SpanExporter>(exporter: E, logger: Logger): E {
  return reporting(exporter, logger, 'traces');
}
