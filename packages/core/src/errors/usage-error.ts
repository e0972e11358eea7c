import { SwitchyardError } from './switchyard-error.js';

/**
 * A command line, environment variable or config file is wrong: the `switchyard` CLI prints the
 * message (and the command's usage where it has one) and exits with code 2. Shared by every
 * command and by the source configuration the daemon and the provider both read.
 */
export class UsageError extends SwitchyardError {
  readonly code = 'USAGE';

  constructor(message: string, options?: { cause?: unknown }) {
    super('USAGE', message, options);
  }
}
