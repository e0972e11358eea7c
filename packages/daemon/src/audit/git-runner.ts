// How the audit runs git: execFile with an argument array (never a shell) and the path after
// `--`, so a file name can never become an option or a command. `--no-optional-locks` keeps git
// from taking index.lock in a repository someone is working in. Spawning costs ~5 ms of blocked
// event loop on a loaded box, so callers spawn as little as they can; the runner is injectable so
// tests can count the spawns.
import { execFile } from 'node:child_process';

const TIMEOUT_MS = 5000;

/** Runs `git <args>` in `cwd`; resolves with stdout, rejects with a GitCommandError. */
export type GitRunner = (cwd: string, args: readonly string[]) => Promise<string>;

/** git could not be run or exited non-zero; keeps both streams (rev-parse prints to both). */
export class GitCommandError extends Error {
  constructor(
    message: string,
    readonly stdout: string,
    readonly stderr: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'GitCommandError';
  }

  /** git's own first line of complaint, else why it could not run (ENOENT, timeout). */
  get reason(): string {
    return this.stderr.trim().split('\n')[0] || this.message;
  }
}

export const execGit: GitRunner = (cwd, args) =>
  new Promise((resolve, reject) => {
    execFile(
      'git',
      ['--no-optional-locks', ...args],
      { cwd, timeout: TIMEOUT_MS, encoding: 'utf8', maxBuffer: 4 * 1024 * 1024 },
      (error, stdout, stderr) =>
        error
          ? reject(new GitCommandError(error.message, stdout, stderr, { cause: error }))
          : resolve(stdout),
    );
  });
