import { SwitchyardError } from '../engine.js';

/** A selector with a key other than `flagSetId` or `source` (gRPC INVALID_ARGUMENT). */
export class InvalidSelectorError extends SwitchyardError {
  readonly code = 'INVALID_SELECTOR';

  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_SELECTOR', message, options);
  }
}
