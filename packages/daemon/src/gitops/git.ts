// Reads flag files from a git revision (`REV:path` arguments of `switchyard diff`). Every git
// call goes through execFile with an argument array (no shell), and revisions that look like
// options are refused, so an argument can never become a git option or a shell command.
import { execFile } from 'node:child_process';
import { posix } from 'node:path';
import { promisify } from 'node:util';
import { InputError } from './cli-io.js';

const run = promisify(execFile);

export interface GitFile {
  /** `REV:path` as the user would write it, for messages. */
  readonly display: string;
  readonly text: string;
}

async function git(cwd: string, args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await run('git', [...args], {
      cwd,
      maxBuffer: 256 * 1024 * 1024,
      encoding: 'utf8',
    });
    return stdout;
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
    throw new InputError(
      `git ${args[0]} failed: ${stderr.split('\n')[0] || (error as Error).message}`,
    );
  }
}

/** Splits `REV:path`; undefined when the argument is not of that shape. */
export function splitRevision(spec: string): { rev: string; path: string } | undefined {
  const colon = spec.indexOf(':');
  if (colon <= 0) return undefined;
  return { rev: spec.slice(0, colon), path: spec.slice(colon + 1) };
}

const FLAG_EXT = ['.json', '.yaml', '.yml'];

/**
 * The flag files at `REV:path`: one blob, or every .json/.yaml/.yml under a tree. As in git,
 * `path` is relative to the repository root unless it starts with `./` or `../` (then cwd).
 */
export async function readRevision(cwd: string, spec: string): Promise<GitFile[]> {
  const parts = splitRevision(spec);
  if (parts === undefined) throw new InputError(`not a REV:path argument: ${spec}`);
  const { rev } = parts;
  if (rev.startsWith('-') || rev.includes('\u0000'))
    throw new InputError(`invalid git revision "${rev}"`);
  const top = (await git(cwd, ['rev-parse', '--show-toplevel'])).trim();
  const prefix = (await git(cwd, ['rev-parse', '--show-prefix'])).trim();
  let path = parts.path;
  if (path.startsWith('./') || path.startsWith('../') || path === '.')
    path = posix.normalize(posix.join(prefix, path));
  path = path.replace(/^\/+/, '').replace(/\/+$/, '');
  if (path.startsWith('..')) throw new InputError(`${spec} points outside the repository`);
  const object = path === '' || path === '.' ? `${rev}:` : `${rev}:${path}`;
  const type = (await git(top, ['cat-file', '-t', object])).trim();
  if (type === 'blob') {
    return [{ display: `${rev}:${path}`, text: await git(top, ['cat-file', 'blob', object]) }];
  }
  if (type !== 'tree') throw new InputError(`${spec} is a ${type}, not a file or directory`);
  const names = (await git(top, ['ls-tree', '-r', '--name-only', '-z', object]))
    .split('\u0000')
    .filter((n) => n !== '' && FLAG_EXT.some((e) => n.toLowerCase().endsWith(e)))
    .filter((n) => !posix.basename(n).toLowerCase().startsWith('switchyard.config.'))
    .sort();
  if (names.length === 0) throw new InputError(`no .json/.yaml/.yml files at ${spec}`);
  const files: GitFile[] = [];
  for (const name of names) {
    const full = path === '' ? name : `${path}/${name}`;
    files.push({
      display: `${rev}:${full}`,
      text: await git(top, ['cat-file', 'blob', `${rev}:${full}`]),
    });
  }
  return files;
}
