// Reads flag files from a git revision (`REV:path` arguments of `switchyard diff`), through the
// one git runner; a revision that looks like an option is refused before git sees it.
import { posix } from 'node:path';
import { InputError } from '../errors/input-error.js';
import { isFlagFileName } from '../flags/files.js';
import { createGitRunner } from './run-git.js';

/** A command-line read: a whole tree of flag files may be large, and nothing else is waiting. */
const git = createGitRunner({ timeoutMs: 60_000, maxBytes: 256 * 1024 * 1024 });

export interface GitFile {
  /** `REV:path` as the user would write it, for messages. */
  readonly display: string;
  readonly text: string;
}

/** Splits `REV:path`; undefined when the argument is not of that shape. */
export function splitRevision(spec: string): { rev: string; path: string } | undefined {
  const colon = spec.indexOf(':');
  if (colon <= 0) return undefined;
  return { rev: spec.slice(0, colon), path: spec.slice(colon + 1) };
}

/**
 * The path inside the repository: as in git, relative to the root unless it starts with `./` or
 * `../` (then to cwd, whose place in the repository is `prefix`).
 */
function repositoryPath(spec: string, path: string, prefix: string): string {
  const joined =
    path.startsWith('./') || path.startsWith('../') || path === '.'
      ? posix.normalize(posix.join(prefix, path))
      : path;
  const trimmed = joined.replace(/^\/+/, '').replace(/\/+$/, '');
  if (trimmed.startsWith('..')) throw new InputError(`${spec} points outside the repository`);
  return trimmed === '.' ? '' : trimmed;
}

/** The flag files at `REV:path`: one blob, or every .json/.yaml/.yml under a tree. */
export async function readRevision(cwd: string, spec: string): Promise<GitFile[]> {
  const parts = splitRevision(spec);
  if (parts === undefined) throw new InputError(`not a REV:path argument: ${spec}`);
  const { rev } = parts;
  if (rev.startsWith('-') || rev.includes('\u0000'))
    throw new InputError(`invalid git revision "${rev}"`);
  const top = (await git(cwd, ['rev-parse', '--show-toplevel'])).trim();
  const prefix = (await git(cwd, ['rev-parse', '--show-prefix'])).trim();
  const path = repositoryPath(spec, parts.path, prefix);
  const object = `${rev}:${path}`;
  const type = (await git(top, ['cat-file', '-t', object])).trim();
  if (type === 'blob') {
    return [{ display: object, text: await git(top, ['cat-file', 'blob', object]) }];
  }
  if (type !== 'tree') throw new InputError(`${spec} is a ${type}, not a file or directory`);
  const names = (await git(top, ['ls-tree', '-r', '--name-only', '-z', object]))
    .split('\u0000')
    .filter((n) => n !== '' && isFlagFileName(posix.basename(n)))
    .sort();
  if (names.length === 0) throw new InputError(`no .json/.yaml/.yml files at ${spec}`);
  const files: GitFile[] = [];
  for (const name of names) {
    const blob = `${rev}:${path === '' ? name : `${path}/${name}`}`;
    files.push({ display: blob, text: await git(top, ['cat-file', 'blob', blob]) });
  }
  return files;
}
