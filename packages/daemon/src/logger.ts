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

/** Loggers that already add traceFields (createLogger's, and those withTraceFields made). */
const tracing = new WeakSet<Logger>();

/**
 * A logger an embedder hands the daemon (`options.logger`), as a child whose lines carry the
 * active span's ids like the daemon's own. pino has no per-child mixin, so the child's `log`
 * formatter (which runs on every line after the mixin) adds them, after the parent's formatter
 * if it has one. A logger createLogger made is returned as it is.
 */
export function withTraceFields(logger: Logger): Logger {
  if (tracing.has(logger)) return logger;
  const inherited = (logger as unknown as Record<symbol, { log?: LogFormatter } | undefined>)[
    pino.symbols.formattersSym
  ]?.log;
  const log: LogFormatter = inherited
    ? (object) => Object.assign(inherited(object), traceFields())
    : (object) => Object.assign(object, traceFields());
  const child = logger.child({}, { formatters: { log } });
  tracing.add(child);
  return child;
}

type LogFormatter = (object: object) => object;

export function createLogger(options: LoggerOptions = {}): Logger {
  const logger = newLogger(options);
  tracing.add(logger);
  return logger;
}

function newLogger(options: LoggerOptions): Logger {
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
