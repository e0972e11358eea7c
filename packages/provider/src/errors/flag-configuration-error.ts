import { SwitchyardError } from '@switchyard/core';

/**
 * A flag configuration (payload, file, inline or cache) was rejected by the engine. The code is
 * core's CONFIGURATION_INVALID: the same rejection the daemon and the CLI report.
 */
export class FlagConfigurationError extends SwitchyardError {
  readonly code = 'CONFIGURATION_INVALID';
  /** Where the configuration came from (file path, `sync <target>`, `inline`). */
  readonly source: string;
  /** Human-readable diagnostics, one per line item (`file:line:col: error CODE path: message`). */
  readonly details: readonly string[];

  constructor(source: string, details: readonly string[], options?: { cause?: unknown }) {
    const first = details[0] ?? 'unknown problem';
    const more = details.length > 1 ? ` (+${details.length - 1} more)` : '';
    super('CONFIGURATION_INVALID', `${source}: ${first}${more}`, options);
    this.source = source;
    this.details = details;
  }
}
