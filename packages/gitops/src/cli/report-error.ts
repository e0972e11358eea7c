// How every `switchyard` command ends on an error it raised on purpose: the message (which leads
// with the code) on stderr, the command's usage after a usage error, and the exit code from the
// code's row in ERROR_CODES. Anything else is a bug and propagates.
import { ERROR_CODES, SwitchyardError } from '@switchyard/core';
import type { CliIo } from './io.js';

/** Reports `error` on stderr and returns its exit code; rethrows what is not a SwitchyardError. */
export function reportError(error: unknown, io: Pick<CliIo, 'stderr'>, usage = ''): number {
  if (!(error instanceof SwitchyardError)) throw error;
  const help = error.code === 'USAGE' && usage !== '' ? `\n${usage}` : '';
  io.stderr.write(`switchyard: ${error.message}\n${help}`);
  return ERROR_CODES[error.code].exitCode;
}
