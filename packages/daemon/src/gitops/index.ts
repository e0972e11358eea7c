// The gitops commands of the `switchyard` CLI (issue 7, items 1–3). Each is self-contained:
// `run*(argv, io)` parses its own arguments and returns the exit code.
export type { CliIo, CliWriter } from './cli-io.js';
export { EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, processIo } from './cli-io.js';
export { DIFF_USAGE, runDiff } from './diff.js';
export { runValidate, VALIDATE_USAGE, type ValidateOptions } from './validate.js';
export { EVAL_USAGE, runEval } from './eval.js';

import type { CliIo } from './cli-io.js';
import { runDiff as diff } from './diff.js';
import { runEval as evaluate } from './eval.js';
import { runValidate as validate } from './validate.js';

export type GitopsCommand = (argv: string[], io: CliIo) => Promise<number>;

const COMMANDS: Readonly<Record<string, GitopsCommand>> = { validate, diff, eval: evaluate };

/** The gitops command named `name` (validate, diff, eval), for the CLI dispatcher. */
export function gitopsCommand(name: string | undefined): GitopsCommand | undefined {
  return name !== undefined && Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
}

/** Lines for the root help of `switchyard`. */
export const GITOPS_HELP = `  switchyard validate PATH...    check flag files: strict schema + lifecycle rules (text, json, sarif)
  switchyard diff OLD NEW        what changed per flag and how many contexts change variant
  switchyard eval FLAG           evaluate a flag locally; --explain prints the rule trace
`;
