import { SwitchyardError } from '@switchyard/core';

/** A `--uri` or `--sources` entry that names no source: an unknown prefix or provider, no uri. */
export class SourceConfigError extends SwitchyardError {
  readonly code = 'USAGE';

  constructor(message: string, options?: { cause?: unknown }) {
    super('USAGE', message, options);
  }
}
