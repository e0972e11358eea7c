import { SwitchyardError } from '../engine.js';

/** A request to the console API is malformed or over a bound (HTTP 400). */
export class InvalidRequestError extends SwitchyardError {
  readonly code = 'INVALID_REQUEST';

  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_REQUEST', message, options);
  }
}
