import { SwitchyardError } from './switchyard-error.js';

/**
 * A source URI or provider that flagd knows and Switchyard does not serve (yet), e.g. `http` or
 * `kubernetes`: refused with a clear message instead of a crash or a silent empty source.
 */
export class UnsupportedSourceError extends SwitchyardError {
  readonly code = 'SOURCE_NOT_SUPPORTED';

  constructor(message: string, options?: { cause?: unknown }) {
    super('SOURCE_NOT_SUPPORTED', message, options);
  }
}
