import { type Diagnostic, formatDiagnostic, SwitchyardError } from '@switchyard/core';

/**
 * A flag configuration a command reads (a side of `diff`, the files of `eval`) does not parse in
 * strict mode; carries core's diagnostics, and the message lists every error with file:line:col.
 */
export class InvalidFlagsError extends SwitchyardError {
  readonly code = 'INVALID_FLAGS';
  /** The file (or `REV:path`) that was rejected. */
  readonly spec: string;
  readonly diagnostics: readonly Diagnostic[];

  constructor(spec: string, diagnostics: readonly Diagnostic[]) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    super(
      'INVALID_FLAGS',
      `${spec} is not a valid flag configuration:\n${errors.map((d) => `  ${formatDiagnostic(d)}`).join('\n')}`,
    );
    this.spec = spec;
    this.diagnostics = diagnostics;
  }
}
