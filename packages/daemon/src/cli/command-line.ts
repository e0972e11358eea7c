// `switchyard [options] [COMMAND] [options]` for the daemon's own commands (start, version,
// help): parsed with the one option parser of @switchyard/gitops against the start options, so
// `switchyard --debug start` and `switchyard start --debug` mean the same, as in flagd's cobra.
import { type ParsedArgs, parseArgs } from '@switchyard/gitops';
import { START_COMMAND } from './spec.js';

export interface CommandLine {
  /** The first positional argument: `start`, `version`, `help`, or undefined. */
  readonly command: string | undefined;
  /** The options, and the positionals after the command. */
  readonly args: ParsedArgs;
}

/** Parses a daemon command line; throws UsageError. */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  const parsed = parseArgs(argv, START_COMMAND);
  const [command, ...positionals] = parsed.positionals;
  return { command, args: { values: parsed.values, positionals } };
}
