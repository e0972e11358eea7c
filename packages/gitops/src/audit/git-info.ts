// Which commit a generation's sources are at: HEAD of the work tree holding each, whether the
// source differs from HEAD, and the author of the last commit that touched it. A git process
// costs ~5 ms of blocked event loop, so: the work tree of a directory is asked once and
// remembered (WorkTrees; outside a repository no git runs at all after that), HEAD is read from
// the repository's files (git/head.ts), `git log` runs only when HEAD or the path changed, and
// the dirty check is one `git status` per repository for the sources of the generation.
import { realpath, stat } from 'node:fs/promises';
import { dirname, relative, sep } from 'node:path';
import { GitCommandError } from '../errors/git-command-error.js';
import { readHead } from '../git/head.js';
import { execGit, type GitRunner } from '../git/run-git.js';
import { type WorkTree, WorkTrees } from '../git/work-trees.js';
import type { GitAudit } from './types.js';

const CACHE_LIMIT = 256;

type Commit = NonNullable<GitAudit['commit']>;

/** A source of a generation and the file or directory behind it. */
export interface GitSource {
  readonly source: string;
  readonly path: string;
}

type Located = {
  readonly source: string;
  readonly real: string;
  readonly tree: WorkTree;
  readonly head: string;
};

export class GitResolver {
  private readonly commits = new Map<string, Promise<Commit | undefined>>();
  private readonly trees: WorkTrees;

  /** `debug` hears why a path has no git state (not a work tree, `safe.directory`, no git). */
  constructor(
    private readonly debug: (message: string) => void = () => {},
    private readonly run: GitRunner = execGit,
  ) {
    this.trees = new WorkTrees(run);
  }

  /**
   * The git state of each source (a file or directory), in order, leaving out those not in a
   * work tree, in a repository without a commit, or when git is not installed.
   */
  async resolve(sources: readonly GitSource[]): Promise<GitAudit[]> {
    const located = (await Promise.all(sources.map((s) => this.locate(s)))).filter(
      (l): l is Located => l !== undefined,
    );
    const byRepository = new Map<string, Located[]>();
    for (const l of located) {
      const list = byRepository.get(l.tree.repository) ?? [];
      list.push(l);
      byRepository.set(l.tree.repository, list);
    }
    const [dirty, commits] = await Promise.all([
      Promise.all([...byRepository].map(([repository, list]) => this.dirty(repository, list))),
      Promise.all(located.map((l) => this.lastCommit(l.tree.repository, l.head, l.real))),
    ]);
    const isDirty = new Set(dirty.flat());
    return located.map((l, i) => {
      const commit = commits[i];
      return {
        source: l.source,
        repository: l.tree.repository,
        head: l.head,
        dirty: isDirty.has(l),
        ...(commit ? { commit } : {}),
      };
    });
  }

  private async locate({ source, path }: GitSource, retried = false): Promise<Located | undefined> {
    let real: string;
    let cwd: string;
    try {
      real = await realpath(path);
      cwd = (await stat(real)).isDirectory() ? real : dirname(real);
    } catch {
      return undefined; // deleted or never created: nothing to attribute
    }
    const location = await this.trees.locate(cwd);
    const why = (reason: string) => {
      this.debug(`no git state for ${path}: ${reason}`);
      return undefined;
    };
    if (!location.tree) return why(location.reason);
    const { tree } = location;
    if (location.fresh) {
      return location.head === undefined
        ? why(location.reason ?? 'no HEAD')
        : { source, real, tree, head: location.head };
    }
    const state = await readHead(tree);
    if (state === 'missing') {
      this.trees.forget(cwd); // the repository went away or moved: ask git again, once
      return retried ? why(`${tree.gitDir}/HEAD is gone`) : this.locate({ source, path }, true);
    }
    if (state === 'unknown') {
      try {
        const head = (await this.run(tree.repository, ['rev-parse', 'HEAD'])).trim();
        return { source, real, tree, head };
      } catch (error) {
        return why(error instanceof GitCommandError ? error.reason : (error as Error).message);
      }
    }
    if ('unborn' in state) return why(`HEAD (${state.unborn}) has no commit yet`);
    return { source, real, tree, head: state.sha };
  }

  /** Which of `list` differ from HEAD (modified, staged or untracked): one process. */
  private async dirty(repository: string, list: readonly Located[]): Promise<Located[]> {
    let out: string;
    try {
      out = await this.run(repository, [
        'status',
        '--porcelain',
        '-z',
        '--',
        ...new Set(list.map((l) => l.real)),
      ]);
    } catch {
      return [];
    }
    // `XY path`, NUL-separated; a rename or copy is followed by its original path. Paths are
    // relative to the top level; an untracked directory is listed once, as `dir/`.
    const changed: string[] = [];
    const fields = out.split('\0');
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i]!;
      if (field.length < 4) continue;
      changed.push(field.slice(3).replace(/\/$/, ''));
      if (field[0] === 'R' || field[0] === 'C') changed.push(fields[++i] ?? '');
    }
    return list.filter((l) => {
      const mine = relative(repository, l.real).split(sep).join('/');
      return changed.some(
        (c) =>
          c !== '' &&
          (mine === '' || c === mine || c.startsWith(`${mine}/`) || mine.startsWith(`${c}/`)),
      );
    });
  }

  private lastCommit(repository: string, head: string, path: string): Promise<Commit | undefined> {
    const key = `${repository}\u0000${head}\u0000${path}`;
    let commit = this.commits.get(key);
    if (commit === undefined) {
      commit = this.run(repository, [
        'log',
        '-1',
        '--format=%H%x00%an%x00%ae%x00%aI',
        '--',
        path,
      ]).then(
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
