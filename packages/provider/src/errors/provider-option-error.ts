import { SwitchyardError } from '@switchyard/core';

/** An option or environment variable has a value the provider cannot use. */
export class ProviderOptionError extends SwitchyardError {
  readonly code = 'INVALID_OPTION';
  /** The option name (e.g. `port`), or the environment variable (e.g. `FLAGD_PORT`). */
  readonly option: string;

  constructor(option: string, message: string) {
    super('INVALID_OPTION', `${option}: ${message}`);
    this.option = option;
  }
}
