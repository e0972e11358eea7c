// Which git work tree a directory is in, asking git once per directory and remembering the
// answer, "none" included: outside a repository the audit would otherwise spawn a git process
// (~5 ms of blocked event loop) on every generation to hear the same "not a git repository".
// An answer is checked again when a `.git` appears or disappears in the directory or above it
// (`git init`, a clone, a removed checkout), and after `recheckMs` for what that cannot see
// (git installed later, safe.directory changed).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { GitCommandError } from '../errors/git-command-error.js';
import { type GitDirs, isSha } from './head.js';
import type { GitRunner } from './run-git.js';

export interface WorkTree extends GitDirs {
  /** The work tree's top-level directory. */
  readonly repository: string;
}

export type Location =
  | {
      readonly tree: WorkTree;
      readonly fresh: boolean;
      readonly head?: string;
      readonly reason?: string;
    }
  | { readonly tree?: undefined; readonly reason: string };

type Entry = {
  readonly answer: Promise<Location>;
  /** Which of the directory and its ancestors had a `.git` when git was asked. */
  readonly marks: string;
  readonly at: number;
};

const CACHE_LIMIT = 256;

export class WorkTrees {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly run: GitRunner,
    private readonly recheckMs = 5 * 60_000,
  ) {}

  /**
   * The work tree holding `dir`. `fresh` is set when git was asked just now: `head` or `reason`
   * are then rev-parse's own answer for HEAD; a cached tree carries neither (read HEAD from its
   * files).
   */
  async locate(dir: string): Promise<Location> {
    const marks = gitMarks(dir);
    const cached = this.entries.get(dir);
    if (
      cached !== undefined &&
      cached.marks === marks &&
      performance.now() - cached.at < this.recheckMs
    ) {
      const location = await cached.answer;
      return location.tree ? { tree: location.tree, fresh: false } : location;
    }
    const answer = this.ask(dir);
    this.entries.delete(dir); // re-insert: the oldest entry is the first to go
    if (this.entries.size >= CACHE_LIMIT)
      this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(dir, { answer, marks, at: performance.now() });
    return answer;
  }

  /** Drops the answer for `dir` (its repository vanished), so the next locate asks git. */
  forget(dir: string): void {
    this.entries.delete(dir);
  }

  /** One process for the layout and HEAD; stdout keeps the layout even when HEAD fails. */
  private async ask(dir: string): Promise<Location> {
    let stdout: string;
    let reason: string | undefined;
    try {
      stdout = await this.run(dir, [
        'rev-parse',
        '--show-toplevel',
        '--absolute-git-dir',
        '--git-common-dir',
        'HEAD',
      ]);
    } catch (error) {
      if (!(error instanceof GitCommandError)) throw error;
      stdout = error.stdout;
      reason = error.reason;
    }
    const [repository = '', gitDir = '', common = '', head = ''] = stdout.split('\n');
    if (repository === '' || gitDir === '' || common === '')
      return { reason: reason ?? 'git printed no work tree' };
    const tree = { repository, gitDir, commonDir: resolve(dir, common) };
    return isSha(head)
      ? { tree, fresh: true, head }
      : { tree, fresh: true, reason: reason ?? 'HEAD is not a commit' };
  }
}

/** `/a/b/.git` absent, `/a/.git` present → "01": ~1 µs per level, no process. */
function gitMarks(dir: string): string {
  let marks = '';
  for (let d = dir; ; d = dirname(d)) {
    marks += existsSync(join(d, '.git')) ? '1' : '0';
    if (dirname(d) === d) return marks;
  }
}
