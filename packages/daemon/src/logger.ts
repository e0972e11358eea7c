// pino logger: JSON lines (`--log-format json`) or a human console format (the default, as
// flagd's zap console), info level unless `--debug`.
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

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? (options.debug ? 'debug' : 'info');
  const base = { name: 'switchyard' };
  if (options.format === 'json') {
    return pino(
      { level, base, timestamp: pino.stdTimeFunctions.isoTime },
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
  return pino({ level, base }, stream);
}
