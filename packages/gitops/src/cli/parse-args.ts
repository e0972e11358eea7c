// The one command-line parser of the `switchyard` commands, pflag-compatible as flagd's cobra
// CLI is: `--name value`, `--name=value`, `-n value`, `-nvalue`, `--flag`, `--flag=false`, and
// `--` ends options (`-` alone is a positional). Each command describes its options in a table;
// an option not in it is a UsageError (exit code 2). Values stay text: commands convert them.
import { UsageError } from '@switchyard/core';

/** How an option's value is read; `bool` options take no value (or an inline true/false). */
export type OptionType = 'bool' | 'string' | 'int' | 'list' | 'map' | 'duration';

export interface OptionSpec {
  /** The long name, without `--`. */
  readonly name: string;
  /** The one-letter form, without `-`. */
  readonly short?: string;
  readonly type: OptionType;
  /** What the value is, for messages and help (`PORT`, `FILE`). */
  readonly arg?: string;
}

export interface CommandSpec {
  /** The command's name, for the hint in messages (`switchyard validate --help`). */
  readonly name: string;
  readonly options: readonly OptionSpec[];
  /**
   * A single-valued option given twice: the last one wins (pflag, for flagd's `start`), or the
   * command refuses it (the gitops commands: `--max-impact 5% --max-impact 50%` is a mistake).
   * `list` and `map` options always collect every value; a repeated `bool` is harmless.
   */
  readonly repeated?: 'last-wins' | 'refused';
}

export interface ParsedArgs {
  /** Raw values per long option name, in command-line order (`bool`: "true" or the inline text). */
  readonly values: ReadonlyMap<string, readonly string[]>;
  readonly positionals: readonly string[];
}

const TRUE_TEXT = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE_TEXT = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** Go's strconv.ParseBool, which pflag and viper use; undefined for anything else. */
export function parseBool(text: string): boolean | undefined {
  if (TRUE_TEXT.has(text)) return true;
  if (FALSE_TEXT.has(text)) return false;
  return undefined;
}

/** One command-line word that names an option: its spec and an inline value, if any. */
interface OptionWord {
  readonly spec: OptionSpec;
  readonly shown: string;
  readonly inline: string | undefined;
}

function optionWord(arg: string, command: CommandSpec): OptionWord {
  let name: string;
  let inline: string | undefined;
  let spec: OptionSpec | undefined;
  if (arg.startsWith('--')) {
    const eq = arg.indexOf('=');
    name = `--${eq < 0 ? arg.slice(2) : arg.slice(2, eq)}`;
    inline = eq < 0 ? undefined : arg.slice(eq + 1);
    spec = command.options.find((o) => `--${o.name}` === name);
  } else {
    name = arg.slice(0, 2);
    if (arg.length > 2) inline = arg.charAt(2) === '=' ? arg.slice(3) : arg.slice(2);
    spec = command.options.find((o) => o.short !== undefined && `-${o.short}` === name);
  }
  if (spec === undefined) {
    throw new UsageError(
      `unknown option ${name}; run \`switchyard ${command.name} --help\` for the list`,
    );
  }
  return { spec, shown: name, inline };
}

/** Parses `argv` against a command's option table; throws UsageError. */
export function parseArgs(argv: readonly string[], command: CommandSpec): ParsedArgs {
  const values = new Map<string, string[]>();
  const positionals: string[] = [];
  const add = (word: OptionWord, value: string) => {
    const list = values.get(word.spec.name) ?? [];
    const single =
      word.spec.type !== 'list' && word.spec.type !== 'map' && word.spec.type !== 'bool';
    if (list.length > 0 && single && command.repeated === 'refused')
      throw new UsageError(`${word.shown} given more than once`);
    list.push(value);
    values.set(word.spec.name, list);
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const word = optionWord(arg, command);
    if (word.spec.type === 'bool') {
      if (word.inline !== undefined && parseBool(word.inline) === undefined)
        throw new UsageError(`${word.shown} takes no value or true/false, not "${word.inline}"`);
      add(word, word.inline ?? 'true');
      continue;
    }
    let value = word.inline;
    if (value === undefined) {
      value = argv[i + 1];
      if (value === undefined)
        throw new UsageError(`${word.shown} needs a value (${word.spec.arg ?? 'VALUE'})`);
      i++;
    }
    add(word, value);
  }
  return { values, positionals };
}
