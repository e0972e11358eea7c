import { SwitchyardError } from '@switchyard/core';

/**
 * An input a command was given cannot be found or read: a missing file, an empty directory, a
 * glob that matches nothing, an unreadable contexts file or project config. Exit code 2.
 */
export class InputError extends SwitchyardError {
  readonly code = 'INPUT_UNREADABLE';

  constructor(message: string, options?: { cause?: unknown }) {
    super('INPUT_UNREADABLE', message, options);
  }
}
