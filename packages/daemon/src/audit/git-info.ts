// Which commit a source file is at: HEAD of the work tree holding it, whether the file differs
// from HEAD, and the author of the last commit that touched it. Every git call goes through
// execFile with an argument array (never a shell) and the path after `--`, so a file name can
// never become an option or a command. `--no-optional-locks` keeps git from taking index.lock in
// a repository someone is working in. The author lookup is cached per repository + HEAD + path.
import { execFile } from 'node:child_process';
import { realpath, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { GitAudit } from './types.js';

const TIMEOUT_MS = 5000;
const CACHE_LIMIT = 256;

type Commit = NonNullable<GitAudit['commit']>;

function git(cwd: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      ['--no-optional-locks', ...args],
      { cwd, timeout: TIMEOUT_MS, encoding: 'utf8', maxBuffer: 4 * 1024 * 1024 },
      (error, stdout, stderr) =>
        error ? reject(Object.assign(error, { stderr })) : resolve(stdout),
    );
  });
}

export class GitResolver {
  private readonly commits = new Map<string, Promise<Commit | undefined>>();

  /** `debug` hears why a path has no git state (not a work tree, `safe.directory`, no git). */
  constructor(private readonly debug: (message: string) => void = () => {}) {}

  /**
   * The git state of `path` (a file or directory), or undefined when it is not in a work tree,
   * the repository has no commit yet, or git is not installed.
   */
  async resolve(source: string, path: string): Promise<GitAudit | undefined> {
    let real: string;
    let cwd: string;
    try {
      real = await realpath(path);
      cwd = (await stat(real)).isDirectory() ? real : dirname(real);
    } catch {
      return undefined; // deleted or never created: nothing to attribute
    }
    let repository: string;
    let head: string;
    try {
      [repository = '', head = ''] = (await git(cwd, ['rev-parse', '--show-toplevel', 'HEAD']))
        .trim()
        .split('\n');
    } catch (error) {
      const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
      this.debug(`no git state for ${path}: ${stderr.split('\n')[0] || (error as Error).message}`);
      return undefined;
    }
    if (repository === '' || head === '') return undefined;
    const [dirty, commit] = await Promise.all([
      git(repository, ['status', '--porcelain', '-z', '--', real]).then(
        (out) => out !== '',
        () => false,
      ),
      this.lastCommit(repository, head, real),
    ]);
    return { source, repository, head, dirty, ...(commit ? { commit } : {}) };
  }

  private lastCommit(repository: string, head: string, path: string): Promise<Commit | undefined> {
    const key = `${repository}\u0000${head}\u0000${path}`;
    let commit = this.commits.get(key);
    if (commit === undefined) {
      commit = git(repository, ['log', '-1', '--format=%H%x00%an%x00%ae%x00%aI', '--', path]).then(
        (out) => {
          const [sha, author = '', email = '', time = ''] = out.trim().split('\u0000');
          return sha ? { sha, author, email, time } : undefined;
        },
        () => {
          this.commits.delete(key); // a timeout or a transient failure: try again next time
          return undefined;
        },
      );
      if (this.commits.size >= CACHE_LIMIT)
        this.commits.delete(this.commits.keys().next().value as string);
      this.commits.set(key, commit);
    }
    return commit;
  }
}
