// The gitops commands of the `switchyard` CLI (issue 7, items 1–3). Each is self-contained:
// `run*(argv, io)` parses its own arguments and returns the exit code.
export type { CliIo, CliWriter } from './cli-io.js';
export { EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, processIo } from './cli-io.js';
export { DIFF_USAGE, runDiff } from './diff.js';
export { runValidate, VALIDATE_USAGE, type ValidateOptions } from './validate.js';
export { EVAL_USAGE, runEval } from './eval.js';
