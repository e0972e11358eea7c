import { SwitchyardError } from '../engine.js';

/** The console was asked about a flag the current generation does not serve (HTTP 404). */
export class FlagNotServedError extends SwitchyardError {
  readonly code = 'FLAG_NOT_SERVED';

  constructor(message: string, options?: { cause?: unknown }) {
    super('FLAG_NOT_SERVED', message, options);
  }
}
