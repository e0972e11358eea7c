// The I/O seam of the `switchyard` commands: they never touch `process` directly, so tests run
// them in-process with captured output, an injected cwd and env.
import { ERROR_CODES } from '@switchyard/core';

/** Anything with a `write(text)`, e.g. `process.stdout` or a test buffer. */
export interface CliWriter {
  write(text: string): unknown;
}

export interface CliIo {
  readonly stdout: CliWriter;
  readonly stderr: CliWriter;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The process's own I/O, for the CLI entry point. */
export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env };
}

/** The command did what was asked and found nothing wrong. */
export const EXIT_OK = 0;
/** The command ran and found problems (invalid flags, a gate exceeded, an evaluation error). */
export const EXIT_PROBLEMS = 1;
/** The invocation is wrong (ERROR_CODES.USAGE and every other code with exit code 2). */
export const EXIT_USAGE = ERROR_CODES.USAGE.exitCode;
