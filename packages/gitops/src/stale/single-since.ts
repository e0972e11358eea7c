// Since when a flag has had its single outcome: from git (the oldest of the latest run of commits
// in which the flag, as committed, already had that outcome), else from the audit trail (the
// last generation that added or changed it). Uncommitted edits to the flag mean "just now".
import { readFile } from 'node:fs/promises';
import type { AuditEntry } from '../audit/types.js';
import type { JsonValue } from '../engine-types.js';
import { InputError } from '../errors/input-error.js';
import { sameJson } from '../flags/same-json.js';
import { flagHistory } from '../git/flag-history.js';
import type { GitRunner } from '../git/run-git.js';
import { type FlagShape, singleOutcome } from './stale-rules.js';

/** A flag definition as written in a file, read as the rules read it. */
export function shapeOf(key: string, raw: Readonly<Record<string, unknown>>): FlagShape {
  const variants = raw.variants;
  const targeting = raw.targeting as JsonValue | undefined;
  const emptyRule =
    targeting === null ||
    (typeof targeting === 'object' &&
      !Array.isArray(targeting) &&
      Object.keys(targeting).length === 0);
  return {
    key,
    state: String(raw.state),
    variants:
      typeof variants === 'object' && variants !== null
        ? (variants as Record<string, unknown>)
        : {},
    defaultVariant:
      typeof raw.defaultVariant === 'string' && raw.defaultVariant !== ''
        ? raw.defaultVariant
        : undefined,
    targeting: emptyRule ? undefined : targeting,
    metadata:
      typeof raw.metadata === 'object' && raw.metadata !== null
        ? (raw.metadata as Record<string, unknown>)
        : {},
  };
}

export interface SinceQuery {
  readonly file: string;
  readonly key: string;
  readonly flagSetId: string | undefined;
  /** The flag as the working tree has it. */
  readonly current: Readonly<Record<string, unknown>>;
  readonly outcome: string | null;
  readonly now: number;
  readonly git?: GitRunner;
}

/** Epoch ms, or undefined when the file is not in git (ask the audit trail then). */
export async function singleSinceFromGit(query: SinceQuery): Promise<number | undefined> {
  const history = await flagHistory({
    file: query.file,
    key: query.key,
    flagSetId: query.flagSetId,
    limit: 50,
    ...(query.git ? { git: query.git } : {}),
  });
  const [newest] = history.commits;
  if (newest === undefined) return undefined;
  const committed = newest.definition as JsonValue | undefined;
  if (!sameJson(committed, query.current as JsonValue)) return query.now; // edited, not committed
  let since: number | undefined;
  for (const commit of history.commits) {
    if (commit.change === 'unchanged') continue;
    const def = commit.definition;
    if (def === undefined || singleOutcome(shapeOf(query.key, def)) !== query.outcome) break;
    since = Date.parse(commit.time);
  }
  // No change of the flag in the commits read: it is older than all of them.
  return since ?? Date.parse(history.commits[history.commits.length - 1]?.time ?? '');
}

/** Audit entries of a `--audit-log` file (JSON lines); bad lines are an input error. */
export async function readAuditLog(path: string): Promise<AuditEntry[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read the audit log ${path}: ${(error as Error).message}`);
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, i) => {
      try {
        return JSON.parse(line) as AuditEntry;
      } catch {
        throw new InputError(`${path}:${i + 1}: not a JSON audit entry`);
      }
    });
}

/** When the audit trail last saw the flag added or changed (epoch ms). */
export function lastChangeInAudit(
  entries: readonly AuditEntry[],
  key: string,
  flagSetId: string | undefined,
): number | undefined {
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i] as AuditEntry;
    const hit = [...(e.added ?? []), ...(e.changed ?? [])].some(
      (f) => f.key === key && f.flagSetId === flagSetId,
    );
    if (hit) return Date.parse(e.time);
  }
  return undefined;
}
