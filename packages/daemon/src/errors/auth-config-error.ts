import { SwitchyardError } from '../engine.js';

/** The --auth-config file does not parse or validate; the message names the file and JSON path. */
export class AuthConfigError extends SwitchyardError {
  readonly code = 'AUTH_CONFIG_INVALID';

  constructor(message: string, options?: { cause?: unknown }) {
    super('AUTH_CONFIG_INVALID', message, options);
  }
}
