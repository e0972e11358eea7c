// @switchyard/gitops: Switchyard's GitOps tooling over @switchyard/core. The `switchyard`
// commands validate, diff and eval (dispatched by the daemon package's CLI), the one option
// parser every command uses, the one way Switchyard runs git, and the audit model the daemon
// writes (entries, flag-change comparison, the git state of a source path).

// Commands
export { gitopsCommand, GITOPS_HELP, type GitopsCommand } from './commands.js';
export { runValidate, VALIDATE_USAGE, type ValidateOptions } from './validate/validate.js';
export { runDiff, DIFF_USAGE } from './diff/diff.js';
export { runEval, EVAL_USAGE } from './eval/eval.js';
export { runStale, STALE_USAGE } from './stale/stale.js';
export { runSet, SET_USAGE } from './set/set.js';

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
export { parseDuration } from './cli/duration.js';
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

// The usage model (what providers report, what the daemon keeps and `stale` reads)
export {
  type EvaluationCount,
  type FlagUsage,
  MAX_USAGE_BYTES,
  parseUsageRecord,
  USAGE_FORMAT,
  type UsageRecord,
} from './usage/usage-record.js';

// Files
export { writeFileAtomic } from './files/atomic-write.js';
export { displayPath, expandPaths, type FlagFile } from './flags/files.js';
export { indexFlags, type IndexedFlag } from './flags/flag-index.js';
export {
  flagHistory,
  type FlagChange,
  type FlagCommit,
  type FlagHistory,
  type FlagHistoryQuery,
} from './git/flag-history.js';

// Staleness (the rules `stale` and the daemon's console share) and the project config
export {
  DAY_MS,
  expiredReason,
  isPermanent,
  singleOutcome,
  singleVariantReason,
  STALE_REASONS,
  type FlagShape,
  type StaleReason,
  type StaleReasonId,
  type StaleSettings,
  unusedReason,
} from './stale/stale-rules.js';
export { type ProjectConfig, resolveConfig, DEFAULT_RULES } from './validate/config.js';
export { INCIDENT_KEY, incidentIn } from './set/incident.js';
export { parseIsoDate } from './iso-date.js';
export { flagId, flagLabel } from './flags/flag-id.js';

// Errors
export { GitCommandError, type GitFailure } from './errors/git-command-error.js';
export { InputError } from './errors/input-error.js';
export { InvalidFlagsError } from './errors/invalid-flags-error.js';

export { VERSION } from './version.js';
