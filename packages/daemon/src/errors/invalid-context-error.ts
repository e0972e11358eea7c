import { SwitchyardError } from '../engine.js';

/**
 * An evaluation request whose context cannot be used: malformed bytes or JSON, or nested deeper
 * than the context limits allow (gRPC INVALID_ARGUMENT, HTTP 400).
 */
export class InvalidContextError extends SwitchyardError {
  readonly code = 'INVALID_CONTEXT';

  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_CONTEXT', message, options);
  }
}
