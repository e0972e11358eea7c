// What the provider makes of the problems a source reports: which mean the source is lost
// (STALE, then ERROR), the error each becomes, and a log that names each problem once.
import type { Logger } from '@openfeature/core';
import { formatDiagnostic } from '@switchyard/core';
import type { Diagnostic } from '@switchyard/core';
import type { SourceProblem } from '@switchyard/sources';
import { FlagConfigurationError } from './errors/flag-configuration-error.js';
import { SourceUnavailableError } from './errors/source-unavailable-error.js';

/** The source cannot deliver at all (as opposed to delivering something invalid). */
export const sourceLost = (problem: SourceProblem): boolean =>
  problem.code === 'MISSING' ||
  problem.code === 'UNREADABLE' ||
  problem.code === 'NOT_REGULAR' ||
  problem.code === 'UNAVAILABLE';

export function configurationError(
  source: string,
  errors: readonly Diagnostic[],
): FlagConfigurationError {
  return new FlagConfigurationError(source, errors.map(formatDiagnostic));
}

/** The error a problem becomes; a fatal one caused by an invalid configuration says so. */
export function problemError(problem: SourceProblem, all: readonly SourceProblem[]): Error {
  const invalid = problem.code === 'FATAL' ? all.find((p) => p.code === 'INVALID') : problem;
  if (invalid?.code === 'INVALID' && invalid.diagnostics && invalid.diagnostics.length > 0) {
    return configurationError(invalid.entry, invalid.diagnostics);
  }
  return new SourceUnavailableError(problem.message);
}

/** Shown by the provider's state instead (STALE, ERROR, FATAL events). */
const QUIET: ReadonlySet<string> = new Set(['MISSING', 'UNAVAILABLE', 'FATAL']);

/** Logs each problem once, when it first appears (a lost source shows as STALE instead). */
export class ProblemLog {
  private seen = new Set<string>();

  constructor(private readonly logger: Logger) {}

  log(problems: readonly SourceProblem[]): void {
    const current = new Set<string>();
    for (const problem of problems) {
      const key = `${problem.entry}\0${problem.code}\0${problem.message}`;
      current.add(key);
      if (this.seen.has(key) || QUIET.has(problem.code)) {
        continue;
      }
      this.logger.warn(problemError(problem, problems).message);
    }
    this.seen = current;
  }
}
