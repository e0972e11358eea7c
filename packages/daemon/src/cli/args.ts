// A small pflag-compatible parser: `--name value`, `--name=value`, `-n value`, `-nvalue`,
// `--flag`, `--flag=false`, `--` ends options. Unknown options are a UsageError (exit code 2).
import { UsageError } from '../errors.js';
import { BY_NAME, BY_SHORT } from './spec.js';
import type { OptionSpec } from './spec.js';

export interface ParsedArgs {
  readonly command: string | undefined;
  /** Raw values per long option name, in command-line order (repeats kept). */
  readonly values: ReadonlyMap<string, readonly string[]>;
  readonly positionals: readonly string[];
}

const BOOL_TEXT = new Set(['true', 'false', '1', '0', 't', 'f', 'TRUE', 'FALSE', 'True', 'False']);

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const values = new Map<string, string[]>();
  const positionals: string[] = [];
  const add = (spec: OptionSpec, value: string) => {
    const list = values.get(spec.name) ?? [];
    list.push(value);
    values.set(spec.name, list);
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    let spec: OptionSpec | undefined;
    let inline: string | undefined;
    let shown: string;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq < 0 ? undefined : arg.slice(eq + 1);
      spec = BY_NAME.get(name);
      shown = `--${name}`;
    } else if (arg.startsWith('-') && arg.length > 1) {
      spec = BY_SHORT.get(arg.charAt(1));
      shown = arg.slice(0, 2);
      if (arg.length > 2) inline = arg.charAt(2) === '=' ? arg.slice(3) : arg.slice(2);
    } else {
      positionals.push(arg);
      continue;
    }
    if (!spec)
      throw new UsageError(
        `USAGE: unknown option ${shown}; run \`switchyard start --help\` for the list`,
      );
    if (spec.type === 'bool') {
      if (inline !== undefined && !BOOL_TEXT.has(inline)) {
        throw new UsageError(`USAGE: ${shown} takes no value or true/false, not "${inline}"`);
      }
      add(spec, inline ?? 'true');
      continue;
    }
    if (inline === undefined) {
      const next = argv[i + 1];
      if (next === undefined)
        throw new UsageError(`USAGE: ${shown} needs a value (${spec.arg ?? 'VALUE'})`);
      inline = next;
      i++;
    }
    add(spec, inline);
  }
  const [command, ...rest] = positionals;
  return { command, values, positionals: rest };
}
