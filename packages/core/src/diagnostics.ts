import type { Diagnostic } from './types.js';

/**
 * One line per diagnostic, compiler style:
 * `flags.json:12:7: error DEFAULT_VARIANT_UNKNOWN flags.my-flag.defaultVariant: message`.
 * Unknown parts are left out; a diagnostic without a file says `<input>`.
 */
export function formatDiagnostic(d: Diagnostic): string {
  let where = d.file ?? '<input>';
  if (d.line !== undefined) where += `:${d.line}`;
  if (d.line !== undefined && d.column !== undefined) where += `:${d.column}`;
  return `${where}: ${d.severity} ${d.code}${d.path ? ` ${d.path}` : ''}: ${d.message}`;
}
