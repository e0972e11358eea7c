import { SwitchyardError } from '../engine.js';

/** An evaluation request whose context has more keys than allowed (RESOURCE_EXHAUSTED, 413). */
export class ContextTooLargeError extends SwitchyardError {
  readonly code = 'CONTEXT_TOO_LARGE';

  constructor(message: string, options?: { cause?: unknown }) {
    super('CONTEXT_TOO_LARGE', message, options);
  }
}
