// The gitops commands of the `switchyard` CLI. Each is self-contained: `run*(argv, io)` parses
// its own arguments and returns the exit code; the CLI dispatches by name.
import type { CliIo } from './cli/io.js';
import { runDiff } from './diff/diff.js';
import { runEval } from './eval/eval.js';
import { runSet } from './set/set.js';
import { runStale } from './stale/stale.js';
import { runValidate } from './validate/validate.js';

export type GitopsCommand = (argv: readonly string[], io: CliIo) => Promise<number>;

const COMMANDS: Readonly<Record<string, GitopsCommand>> = {
  validate: runValidate,
  diff: runDiff,
  eval: runEval,
  stale: runStale,
  set: runSet,
};

/** The gitops command named `name` (validate, diff, eval), for the CLI dispatcher. */
export function gitopsCommand(name: string | undefined): GitopsCommand | undefined {
  return name !== undefined && Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
}

/** Lines for the root help of `switchyard`. */
export const GITOPS_HELP = `  switchyard validate PATH...    check flag files: strict schema + lifecycle rules (text, json, sarif)
  switchyard diff OLD NEW        what changed per flag and how many contexts change variant
  switchyard eval FLAG           evaluate a flag locally; --explain prints the rule trace
  switchyard set FLAG --variant NAME   change one flag in its file (one line), validated; --commit, --daemon
  switchyard stale [PATH...]     flags past expiry, at one variant, unused or unreferenced (text, json, sarif)
`;
