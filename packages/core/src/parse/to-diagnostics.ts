// Problems → public Diagnostics, with line and column computed once per document and only
// when there is something to report.
import { locatePaths } from '../internal/positions.js';
import type { Diagnostic } from '../types.js';
import type { Problem } from './problems.js';
import type { DocumentFormat } from './read-document.js';

/** Where the problems were found: the source name and, when the input was text, the text. */
export interface ProblemSource {
  readonly file: string | undefined;
  readonly text: string | undefined;
  readonly format: DocumentFormat | undefined;
}

export function toDiagnostics(
  problems: readonly Problem[],
  { file, text, format }: ProblemSource,
): { diagnostics: Diagnostic[]; byProblem: Map<Problem, Diagnostic> } {
  const byProblem = new Map<Problem, Diagnostic>();
  if (problems.length === 0) return { diagnostics: [], byProblem };
  const wanted = problems.filter((p) => p.line === undefined && p.segments !== undefined);
  const positions =
    text !== undefined && format !== undefined && wanted.length > 0
      ? locatePaths(
          text,
          format,
          wanted.map((p) => p.segments ?? []),
        )
      : [];
  const found = new Map<Problem, { line: number; column: number } | undefined>();
  wanted.forEach((p, i) => {
    found.set(p, positions[i]);
  });
  const diagnostics = problems.map((p) => {
    const pos = p.line === undefined ? found.get(p) : { line: p.line, column: p.column };
    const fileName = p.file ?? file;
    const d: Diagnostic = Object.freeze({
      severity: p.severity,
      code: p.code,
      message: p.message,
      path: p.path,
      ...(fileName === undefined ? {} : { file: fileName }),
      ...(p.flagKey === undefined ? {} : { flagKey: p.flagKey }),
      ...(pos?.line === undefined ? {} : { line: pos.line }),
      ...(pos?.column === undefined ? {} : { column: pos.column }),
    });
    byProblem.set(p, d);
    return d;
  });
  return { diagnostics, byProblem };
}
