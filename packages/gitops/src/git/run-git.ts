// The one way Switchyard runs git: execFile with an argument array (never a shell), callers put
// paths after `--` and refuse revisions that start with `-`, so a file name or an argument can
// never become an option or a command. `--no-optional-locks` keeps git from taking index.lock in
// a repository someone is working in. Spawning costs ~5 ms of blocked event loop on a loaded
// box, so the daemon spawns as little as it can; the runner is injectable so tests count spawns.
import { execFile } from 'node:child_process';
import { GitCommandError } from '../errors/git-command-error.js';

/** Runs `git <args>` in `cwd`; resolves with stdout, rejects with a GitCommandError. */
export type GitRunner = (cwd: string, args: readonly string[]) => Promise<string>;

export interface GitRunnerOptions {
  /** Kills git after this long (default 5 s: the daemon must not wait on a hung repository). */
  readonly timeoutMs?: number;
  /** Largest stdout accepted (default 4 MiB: status, log and rev-parse answers). */
  readonly maxBytes?: number;
}

export function createGitRunner(options: GitRunnerOptions = {}): GitRunner {
  const timeout = options.timeoutMs ?? 5000;
  const maxBuffer = options.maxBytes ?? 4 * 1024 * 1024;
  return (cwd, args) =>
    new Promise((resolve, reject) => {
      execFile(
        'git',
        ['--no-optional-locks', ...args],
        { cwd, timeout, maxBuffer, encoding: 'utf8' },
        (error, stdout, stderr) =>
          error
            ? reject(new GitCommandError({ args, stdout, stderr, cause: error }))
            : resolve(stdout),
      );
    });
}

/** The default runner (5 s, 4 MiB). */
export const execGit: GitRunner = createGitRunner();
