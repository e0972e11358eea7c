// One flag's targeting: resolve `$ref`s (with the rule limits), then hand the rule to the
// targeting compiler through the seam in targeting/types.ts.
import { formatPath, parsePath, type PathSegment } from '../internal/paths.js';
import { compileTargeting } from '../targeting-compiler.js';
import type { Diagnostic } from '../types.js';
import type { FlagDraft } from './flag.js';
import type { ParseRun } from './parse-run.js';
import type { Problem } from './problems.js';
import type { RefResolver } from './refs.js';

/** Fills the draft's `targeting` and either its compiled `rule` or its `targetingError`. */
export function compileFlagTargeting(run: ParseRun, draft: FlagDraft): void {
  const { key, segments } = draft;
  const raw = draft.rawTargeting;
  if (raw === undefined) return;
  const at = [...segments, 'targeting'];
  const resolved = (run.resolver as RefResolver).resolve(raw);
  if ('problem' in resolved) {
    const { code, message, path } = resolved.problem;
    draft.targeting = raw;
    draft.targetingError = run.report({
      code,
      message,
      scope: 'targeting',
      at: [...at, ...path],
      flagKey: key,
    });
    return;
  }
  draft.targeting = resolved.rule;
  const adopt = (d: Diagnostic): Problem => adoptDiagnostic(run, d, { key, segments });
  try {
    const result = compileTargeting(resolved.rule, {
      flagKey: key,
      path: formatPath(at),
      limits: run.limits,
      ...(run.file === undefined ? {} : { file: run.file }),
    });
    for (const warning of result.warnings) adopt(warning);
    if (result.ok) draft.rule = result.rule;
    else draft.targetingError = adopt(result.error);
  } catch (error) {
    const message = `the targeting compiler failed: ${(error as Error)?.message ?? String(error)}`;
    draft.targetingError = run.report({
      code: 'COMPILE_FAILED',
      message,
      scope: 'targeting',
      at,
      flagKey: key,
    });
  }
}

/** A compiler diagnostic as a targeting problem of the flag, its path made absolute. */
function adoptDiagnostic(
  run: ParseRun,
  d: Diagnostic,
  flag: { key: string; segments: readonly PathSegment[] },
): Problem {
  const at = [...flag.segments, 'targeting'];
  const parsed = parsePath(d.path);
  const problem: Problem = {
    severity: d.severity,
    code: d.code,
    message: d.message,
    scope: 'targeting',
    flagKey: d.flagKey ?? flag.key,
    path: d.path,
    segments:
      parsed === undefined
        ? at
        : parsed[0] === 'flags'
          ? parsed
          : parsed[0] === 'targeting'
            ? [...flag.segments, ...parsed]
            : [...at, ...parsed],
    ...(d.line === undefined ? {} : { line: d.line }),
    ...(d.column === undefined ? {} : { column: d.column }),
  };
  run.problems.push(problem);
  return problem;
}
