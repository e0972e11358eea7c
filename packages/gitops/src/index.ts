// @switchyard/gitops: Switchyard's GitOps tooling over @switchyard/core. The `switchyard`
// commands validate, diff and eval (dispatched by the daemon package's CLI), the one option
// parser every command uses, the one way Switchyard runs git, and the audit model the daemon
// writes (entries, flag-change comparison, the git state of a source path).

// Commands
export { gitopsCommand, GITOPS_HELP, type GitopsCommand } from './commands.js';
export { runValidate, VALIDATE_USAGE, type ValidateOptions } from './validate/validate.js';
export { runDiff, DIFF_USAGE } from './diff/diff.js';
export { runEval, EVAL_USAGE } from './eval/eval.js';

// The command line
export {
  type CliIo,
  type CliWriter,
  EXIT_OK,
  EXIT_PROBLEMS,
  EXIT_USAGE,
  processIo,
} from './cli/io.js';
export {
  type CommandSpec,
  type OptionSpec,
  type OptionType,
  type ParsedArgs,
  parseArgs,
  parseBool,
} from './cli/parse-args.js';
export { reportError } from './cli/report-error.js';
export { type Command, runCommand } from './cli/command.js';

// Git
export { createGitRunner, execGit, type GitRunner, type GitRunnerOptions } from './git/run-git.js';
export { readRevision, splitRevision, type GitFile } from './git/revision.js';

// The audit model
export type {
  AuditEntry,
  AuditView,
  ChangedField,
  FlagAudit,
  FlagSummary,
  GitAudit,
  ServedFlag,
} from './audit/types.js';
export { compareFlags, summarise, type FlagChangeAudit } from './audit/flag-changes.js';
export { GitResolver, type GitSource } from './audit/git-info.js';
export { sameJson } from './flags/same-json.js';
export { flagId, flagLabel } from './flags/flag-id.js';

// Errors
export { GitCommandError, type GitFailure } from './errors/git-command-error.js';
export { InputError } from './errors/input-error.js';
export { InvalidFlagsError } from './errors/invalid-flags-error.js';

export { VERSION } from './version.js';
