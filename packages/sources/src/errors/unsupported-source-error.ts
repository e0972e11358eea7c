import { SwitchyardError } from '@switchyard/core';

/** A source URI or provider flagd knows but no scheme here serves (yet), e.g. `kubernetes`. */
export class UnsupportedSourceError extends SwitchyardError {
  readonly code = 'SOURCE_NOT_SUPPORTED';

  constructor(message: string, options?: { cause?: unknown }) {
    super('SOURCE_NOT_SUPPORTED', message, options);
  }
}
