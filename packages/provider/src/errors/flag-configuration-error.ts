/** A flag configuration (payload, file, inline or cache) was rejected by the engine. */
export class FlagConfigurationError extends Error {
  readonly code = 'INVALID_CONFIGURATION';
  /** Human-readable diagnostics, one per line item (`file:line:col: error CODE path: message`). */
  readonly details: readonly string[];

  constructor(source: string, details: readonly string[], options?: { cause?: unknown }) {
    const first = details[0] ?? 'unknown problem';
    const more = details.length > 1 ? ` (+${details.length - 1} more)` : '';
    super(`INVALID_CONFIGURATION ${source}: ${first}${more}`, options);
    this.name = 'FlagConfigurationError';
    this.details = details;
  }
}
