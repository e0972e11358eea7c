import { SwitchyardError } from '@switchyard/core';

export interface GitFailure {
  /** The git arguments (the subcommand first). */
  readonly args: readonly string[];
  readonly stdout: string;
  readonly stderr: string;
  /** The child-process error: a non-zero exit, ENOENT (no git), a timeout, a full buffer. */
  readonly cause: Error;
}

/** git could not be run or exited non-zero; keeps both streams (rev-parse prints to both). */
export class GitCommandError extends SwitchyardError {
  readonly code = 'GIT_FAILED';
  readonly stdout: string;
  readonly stderr: string;
  /** git's own first line of complaint, else why it could not run (ENOENT, timeout). */
  readonly reason: string;

  constructor(failure: GitFailure) {
    const reason = failure.stderr.trim().split('\n')[0] || failure.cause.message;
    super('GIT_FAILED', `git ${failure.args[0] ?? ''} failed: ${reason}`, {
      cause: failure.cause,
    });
    this.stdout = failure.stdout;
    this.stderr = failure.stderr;
    this.reason = reason;
  }
}
