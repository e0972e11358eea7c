import { SwitchyardError } from '../engine.js';

/** The daemon could not start: a port in use, a missing TLS key, an audit log it cannot open. */
export class StartupError extends SwitchyardError {
  readonly code = 'STARTUP';

  constructor(message: string, options?: { cause?: unknown }) {
    super('STARTUP', message, options);
  }
}
