// The daemon's health as /readyz returns it: the readiness status, the generation served, and per
// source what it serves, which entries are unusable since when, and which of its flags are served
// with a rule error. Lists are bounded, so a directory of 10,000 broken files does not make a
// 10 MB probe answer.
import type { SourceProblemCode } from '@switchyard/sources';
import type { MergedFlag } from '../store/merge.js';
import { ruleErrorsOf } from '../store/rule-errors.js';
import type { SourceHealth } from '../store/source-state.js';
import type { GenerationStore } from '../store/generation-store.js';
import type { Readiness, ReadinessStatus } from './readiness.js';

/** Problems and rule-error flags listed per source; the rest are counted. */
export const HEALTH_LIST_LIMIT = 25;

export interface ProblemReport {
  readonly entry: string;
  readonly code: SourceProblemCode;
  readonly message: string;
  /** ISO 8601 time since when the entry has been in this state. */
  readonly since: string;
}

export interface SourceReport {
  readonly source: string;
  readonly status: SourceHealth;
  /** Flags the source serves (before merging). */
  readonly flags: number;
  /** The generation that was current when its served flags last changed (absent: none served). */
  readonly generation?: number;
  readonly problems: readonly ProblemReport[];
  /** Problems beyond the listed ones. */
  readonly moreProblems?: number;
  /** Keys of its flags served with an isolated rule error (evaluating them gives PARSE_ERROR). */
  readonly ruleErrors: readonly string[];
  readonly moreRuleErrors?: number;
}

export interface HealthReport {
  readonly status: ReadinessStatus;
  /** True when /readyz answers 200: the status is `ok` or `degraded`. */
  readonly ready: boolean;
  /** The generation served (0 before the first). */
  readonly generation: number;
  readonly sources: readonly SourceReport[];
}

function bounded<T>(list: readonly T[]): { listed: T[]; more: number } {
  return {
    listed: list.slice(0, HEALTH_LIST_LIMIT),
    more: Math.max(0, list.length - HEALTH_LIST_LIMIT),
  };
}

export function healthReport(store: GenerationStore, readiness: Readiness): HealthReport {
  const status = readiness.status();
  const generation = store.generation;
  const ruleErrors = generation ? ruleErrorsOf(generation) : new Map<string, MergedFlag[]>();
  const sources = store.status().map((s): SourceReport => {
    const problems = bounded(s.problems);
    const flagged = bounded(ruleErrors.get(s.source) ?? []);
    return {
      source: s.source,
      status: s.health,
      flags: s.flags,
      ...(s.generation !== undefined ? { generation: s.generation } : {}),
      problems: problems.listed.map((p) => ({
        entry: p.entry,
        code: p.code,
        message: p.message,
        since: new Date(p.since).toISOString(),
      })),
      ...(problems.more > 0 ? { moreProblems: problems.more } : {}),
      ruleErrors: flagged.listed.map((m) => m.flag.key),
      ...(flagged.more > 0 ? { moreRuleErrors: flagged.more } : {}),
    };
  });
  return {
    status,
    ready: status === 'ok' || status === 'degraded',
    generation: generation?.number ?? 0,
    sources,
  };
}
