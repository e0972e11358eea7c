// One flag's targeting: resolve `$ref`s (with the rule limits), then hand the rule to the
// targeting compiler through the seam in targeting/types.ts.
import { formatPath, parsePath, type PathSegment } from '../internal/paths.js';
import { compileTargeting } from '../targeting-compiler.js';
import type { CompiledTargeting, Limits } from '../targeting/types.js';
import type { Diagnostic, JsonValue } from '../types.js';
import type { Report } from './flag.js';
import type { Problem } from './problems.js';
import type { RefResolver } from './refs.js';

export function compileFlagTargeting(
  raw: JsonValue,
  key: string,
  segments: readonly PathSegment[],
  resolver: RefResolver,
  limits: Limits,
  file: string | undefined,
  report: Report,
  problems: Problem[],
): { targeting: JsonValue; rule?: CompiledTargeting; error?: Problem } {
  const at = [...segments, 'targeting'];
  const resolved = resolver.resolve(raw);
  if ('problem' in resolved) {
    const { code, message, path } = resolved.problem;
    return {
      targeting: raw,
      error: report('error', code, message, 'targeting', [...at, ...path], key),
    };
  }
  const adopt = (d: Diagnostic): Problem => {
    const parsed = parsePath(d.path);
    const problem: Problem = {
      severity: d.severity,
      code: d.code,
      message: d.message,
      scope: 'targeting',
      flagKey: d.flagKey ?? key,
      path: d.path,
      segments:
        parsed === undefined
          ? at
          : parsed[0] === 'flags'
            ? parsed
            : parsed[0] === 'targeting'
              ? [...segments, ...parsed]
              : [...at, ...parsed],
      ...(d.line === undefined ? {} : { line: d.line }),
      ...(d.column === undefined ? {} : { column: d.column }),
    };
    problems.push(problem);
    return problem;
  };
  try {
    const result = compileTargeting(resolved.rule, {
      flagKey: key,
      path: formatPath(at),
      limits,
      ...(file === undefined ? {} : { file }),
    });
    for (const warning of result.warnings) adopt(warning);
    if (!result.ok) return { targeting: resolved.rule, error: adopt(result.error) };
    return { targeting: resolved.rule, rule: result.rule };
  } catch (error) {
    const message = `the targeting compiler failed: ${(error as Error)?.message ?? String(error)}`;
    return {
      targeting: resolved.rule,
      error: report('error', 'COMPILE_FAILED', message, 'targeting', at, key),
    };
  }
}
