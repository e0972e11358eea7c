import { formatDiagnostic } from '../diagnostics.js';
import type { Diagnostic } from '../types.js';
import { SwitchyardError } from './switchyard-error.js';

/** A flag configuration was rejected; `diagnostics` holds every problem found. */
export class ConfigurationError extends SwitchyardError {
  readonly code = 'CONFIGURATION_INVALID';
  readonly diagnostics: readonly Diagnostic[];

  constructor(diagnostics: readonly Diagnostic[], options?: { cause?: unknown }) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    const first = errors[0] ?? diagnostics[0];
    const summary =
      first === undefined
        ? 'the flag configuration was rejected'
        : `${errors.length} error(s) in the flag configuration; first: ${formatDiagnostic(first)}`;
    super('CONFIGURATION_INVALID', summary, options);
    this.diagnostics = diagnostics;
  }
}
