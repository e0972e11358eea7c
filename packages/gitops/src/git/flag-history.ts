// The git history of one flag: the recent commits that touched its file, each marked by what it
// did to the flag (added, changed, removed, or nothing: the commit changed other flags). A flag's
// definition at a commit is read with `git show REV:path` and compared as JSON, so reformatting
// the file is not a change of the flag. Bounded: `limit` commits (default 20), one `git log` and
// `limit + 1` reads, through the one git runner.
import { realpath } from 'node:fs/promises';
import { basename, dirname, relative, sep } from 'node:path';
import type { JsonValue } from '../engine-types.js';
import { GitCommandError } from '../errors/git-command-error.js';
import { indexFlags } from '../flags/flag-index.js';
import { sameJson } from '../flags/same-json.js';
import { execGit, type GitRunner } from './run-git.js';

export type FlagChange = 'added' | 'changed' | 'removed' | 'unchanged';

export interface FlagCommit {
  readonly sha: string;
  readonly author: string;
  readonly email: string;
  /** Committer date, ISO 8601 (when the change reached the branch). */
  readonly time: string;
  readonly subject: string;
  readonly change: FlagChange;
  /** The flag as it was after this commit (undefined when it did not exist). */
  readonly definition?: Readonly<Record<string, unknown>>;
}

export interface FlagHistory {
  /** The repository's top-level directory; undefined when the file is not in a work tree. */
  readonly repository?: string;
  /** The file's path in the repository. */
  readonly path?: string;
  /** Newest first. */
  readonly commits: readonly FlagCommit[];
  /** The history goes further back than `limit` commits. */
  readonly truncated: boolean;
}

export interface FlagHistoryQuery {
  /** The flag file (absolute). */
  readonly file: string;
  readonly key: string;
  readonly flagSetId: string | undefined;
  /** Commits read at most (default 20). */
  readonly limit?: number;
  readonly git?: GitRunner;
}

const FIELD = '\u001f';
const RECORD = '\u001e';

/** The flag's definition in a file's text at some revision (undefined when absent). */
export function flagIn(text: string | undefined, key: string, flagSetId: string | undefined) {
  if (text === undefined) return undefined;
  const found = indexFlags(text).filter((f) => f.key === key && f.flagSetId === flagSetId);
  return found[found.length - 1]?.raw;
}

async function show(git: GitRunner, top: string, object: string): Promise<string | undefined> {
  try {
    return await git(top, ['show', object]);
  } catch (error) {
    if (error instanceof GitCommandError) return undefined; // not in that revision
    throw error;
  }
}

function changeOf(before: unknown, after: unknown): FlagChange {
  if (after === undefined) return before === undefined ? 'unchanged' : 'removed';
  if (before === undefined) return 'added';
  return sameJson(before as JsonValue, after as JsonValue) ? 'unchanged' : 'changed';
}

interface LogLine {
  readonly sha: string;
  readonly author: string;
  readonly email: string;
  readonly time: string;
  readonly subject: string;
}

function parseLog(text: string): LogLine[] {
  return text
    .split(RECORD)
    .map((r) => r.replace(/^\n/, ''))
    .filter((r) => r !== '')
    .map((r) => {
      const [sha = '', author = '', email = '', time = '', subject = ''] = r.split(FIELD);
      return { sha, author, email, time, subject };
    });
}

/** The flag's recent history; `{commits: []}` when the file is not in a git work tree. */
export async function flagHistory(query: FlagHistoryQuery): Promise<FlagHistory> {
  const git = query.git ?? execGit;
  const limit = query.limit ?? 20;
  const file = await realpath(query.file);
  let top: string;
  try {
    top = (await git(dirname(file), ['rev-parse', '--show-toplevel'])).trim();
  } catch (error) {
    if (error instanceof GitCommandError) return { commits: [], truncated: false };
    throw error;
  }
  const path = relative(top, file).split(sep).join('/');
  if (path.startsWith('..')) return { commits: [], truncated: false };
  const format = ['%H', '%an', '%ae', '%cI', '%s'].join(FIELD) + RECORD;
  const log = parseLog(
    await git(top, ['log', `-n${limit + 1}`, `--format=${format}`, '--', path]).catch(() => ''),
  );
  const truncated = log.length > limit;
  const shown = log.slice(0, limit);
  // One at a time: each spawn blocks the event loop for a few ms (the daemon calls this).
  const texts: (string | undefined)[] = [];
  for (const c of shown) texts.push(await show(git, top, `${c.sha}:${path}`));
  const oldest = shown[shown.length - 1];
  const before = oldest === undefined ? undefined : await show(git, top, `${oldest.sha}^:${path}`);
  const versions = texts.map((t) => flagIn(t, query.key, query.flagSetId));
  const commits = shown.map((c, i): FlagCommit => {
    const after = versions[i];
    const prior =
      i + 1 < versions.length ? versions[i + 1] : flagIn(before, query.key, query.flagSetId);
    return {
      ...c,
      change: changeOf(prior, after),
      ...(after === undefined ? {} : { definition: after }),
    };
  });
  return { repository: top, path: path || basename(file), commits, truncated };
}
