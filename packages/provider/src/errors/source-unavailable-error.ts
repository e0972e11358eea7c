import { SwitchyardError } from '@switchyard/core';

/** The flag source could not deliver a configuration (connect failure, missing file, ...). */
export class SourceUnavailableError extends SwitchyardError {
  readonly code = 'SOURCE_UNAVAILABLE';

  constructor(message: string, options?: { cause?: unknown }) {
    super('SOURCE_UNAVAILABLE', message, options);
  }
}
