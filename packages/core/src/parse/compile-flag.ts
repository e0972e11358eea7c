// One flag's targeting: check the rule limits (iteratively, before anything recurses over the
// rule), resolve `$ref`s (which checks them again on the expanded rule), then hand the rule to
// the targeting compiler through the seam in targeting/types.ts. A rule over the limits is
// refused for its flag only (PARSE_ERROR) and replaced by a small stand-in, so nothing
// downstream — hashing, the daemon's sync payload, a client's JSON parser — ever walks it
// (docs/adr/0025).
import { formatPath, parsePath, type PathSegment } from '../internal/paths.js';
import { compileTargeting } from '../targeting-compiler.js';
import { ROOT_PATH } from '../targeting/build.js';
import { checkRuleLimits } from '../targeting/limits.js';
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
  const adopt = (d: Diagnostic): Problem => adoptDiagnostic(run, d, { key, segments });
  const refused = checkRuleLimits(raw, run.limits);
  if (refused !== undefined) {
    const path = formatPath(at) + refused.relPath.slice(ROOT_PATH.length);
    const problem = adopt({
      severity: 'error',
      code: refused.code,
      message: refused.message,
      path,
    });
    refuse(draft, problem);
    return;
  }
  const resolved = (run.resolver as RefResolver).resolve(raw);
  if ('problem' in resolved) {
    const { code, message, path } = resolved.problem;
    draft.targeting = raw;
    const problem = run.report({
      code,
      message,
      scope: 'targeting',
      at: [...at, ...path],
      flagKey: key,
    });
    if (isLimit(code)) refuse(draft, problem);
    else draft.targetingError = problem;
    return;
  }
  draft.targeting = resolved.rule;
  try {
    const result = compileTargeting(resolved.rule, {
      flagKey: key,
      path: formatPath(at),
      limits: run.limits,
      ...(run.file === undefined ? {} : { file: run.file }),
    });
    for (const warning of result.warnings) adopt(warning);
    if (result.ok) draft.rule = result.rule;
    else if (isLimit(result.error.code)) refuse(draft, adopt(result.error));
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

function isLimit(code: string): boolean {
  return code === 'RULE_TOO_DEEP' || code === 'RULE_TOO_LARGE';
}

/**
 * Refuses a rule over the limits: the flag keeps `error` (PARSE_ERROR) and its targeting becomes
 * `{"$refused": "CODE: message"}`, an operation no JSONLogic engine knows, so clients of the
 * daemon refuse the flag the same way instead of receiving the oversized rule.
 */
function refuse(draft: FlagDraft, problem: Problem): void {
  draft.targeting = { $refused: `${problem.code}: ${problem.message}` };
  draft.targetingError = problem;
  draft.rule = undefined;
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
