import { SwitchyardError } from '@switchyard/core';

/**
 * `switchyard set` refused an edit and wrote nothing: the flag is defined in several places, the
 * variant does not exist, or the edited file would not validate (exit code 1).
 */
export class FlagEditRefusedError extends SwitchyardError {
  readonly code = 'FLAG_EDIT_REFUSED';

  constructor(message: string, options?: { cause?: unknown }) {
    super('FLAG_EDIT_REFUSED', message, options);
  }
}
