// The frame of a gitops command: parse its options, answer `--help` with its usage, run it, and
// turn an error raised on purpose into its message and exit code.
import type { CliIo } from './io.js';
import { EXIT_OK } from './io.js';
import { isSet } from './option-values.js';
import { type CommandSpec, type OptionSpec, type ParsedArgs, parseArgs } from './parse-args.js';
import { reportError } from './report-error.js';

export interface Command {
  readonly spec: CommandSpec;
  /** The `--help` text, also printed after a usage error. */
  readonly usage: string;
  run(args: ParsedArgs, io: CliIo): Promise<number>;
}

/** `--help`/`-h`, which every command takes. */
export const HELP_OPTION: OptionSpec = { name: 'help', short: 'h', type: 'bool' };
/** `--now DATE`: the clock of expiry rules and `$flagd.timestamp` (cli/clock.ts). */
export const NOW_OPTION: OptionSpec = { name: 'now', type: 'string', arg: 'DATE' };

export async function runCommand(command: Command, argv: readonly string[], io: CliIo) {
  try {
    const args = parseArgs(argv, command.spec);
    if (isSet(args, 'help')) {
      io.stdout.write(command.usage);
      return EXIT_OK;
    }
    return await command.run(args, io);
  } catch (error) {
    return reportError(error, io, command.usage);
  }
}
