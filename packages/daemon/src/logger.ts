// pino logger: JSON lines (`--log-format json`) or a human console format (the default, as
// flagd's zap console), info level unless `--debug`.
import { isSpanContextValid, trace } from '@opentelemetry/api';
import { pino } from 'pino';
import type { DestinationStream, Logger } from 'pino';
import pretty from 'pino-pretty';

export type LogFormat = 'console' | 'json';
export type { Logger };

export interface LoggerOptions {
  readonly format?: LogFormat;
  readonly debug?: boolean;
  /** Overrides the level (`silent` for embedding and tests). */
  readonly level?: 'silent' | 'error' | 'warn' | 'info' | 'debug';
  /** Where lines go (default: stdout). */
  readonly destination?: DestinationStream;
}

/**
 * The ids of the active span (OpenTelemetry's context), so a log line written while a request or
 * a publish is traced can be found from its trace: `trace_id`, `span_id`, `trace_flags`, the
 * field names of OpenTelemetry's log correlation.
 */
export function traceFields(): Record<string, string> {
  const span = trace.getActiveSpan();
  if (span === undefined) return {};
  const ids = span.spanContext();
  if (!isSpanContextValid(ids)) return {};
  return {
    trace_id: ids.traceId,
    span_id: ids.spanId,
    trace_flags: ids.traceFlags.toString(16).padStart(2, '0'),
  };
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? (options.debug ? 'debug' : 'info');
  const base = { name: 'switchyard' };
  const mixin = traceFields;
  if (options.format === 'json') {
    return pino(
      { level, base, mixin, timestamp: pino.stdTimeFunctions.isoTime },
      options.destination ?? pino.destination({ dest: 1, sync: true }),
    );
  }
  const stream = pretty({
    colorize: options.destination === undefined && process.stdout.isTTY === true,
    sync: true,
    singleLine: true,
    ignore: 'pid,hostname,name',
    translateTime: 'SYS:HH:MM:ss.l',
    ...(options.destination ? { destination: options.destination } : {}),
  });
  return pino({ level, base, mixin }, stream);
}
