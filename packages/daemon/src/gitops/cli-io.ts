// The I/O seam of the gitops commands (validate, diff, eval): they never touch `process`
// directly, so tests run them in-process with captured output, an injected cwd and env.

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

/** Exit codes shared by the three commands. */
export const EXIT_OK = 0;
export const EXIT_PROBLEMS = 1;
export const EXIT_USAGE = 2;

/** A bad command line: reported with the usage text and exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** An input that cannot be read (missing file, bad git revision): exit code 2 as well. */
export class InputError extends Error {
  override readonly name = 'InputError';
}

export interface OptionSpec {
  /** Options that take a value (`--name value` or `--name=value`). */
  readonly values: readonly string[];
  /** Options that may be given several times (collected in order). */
  readonly repeatable?: readonly string[];
  /** Options without a value. */
  readonly flags: readonly string[];
}

export interface ParsedArgs {
  readonly positionals: string[];
  readonly values: Map<string, string[]>;
  readonly flags: Set<string>;
}

/** A small strict option parser: unknown options are usage errors, `--` ends options. */
export function parseArgs(argv: readonly string[], spec: OptionSpec): ParsedArgs {
  const positionals: string[] = [];
  const values = new Map<string, string[]>();
  const flags = new Set<string>();
  let onlyPositionals = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (onlyPositionals || !arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    if (arg === '--') {
      onlyPositionals = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (spec.flags.includes(name)) {
      if (eq > 0) throw new UsageError(`option ${name} takes no value`);
      flags.add(name);
      continue;
    }
    if (!spec.values.includes(name)) throw new UsageError(`unknown option ${name}`);
    let value: string;
    if (eq > 0) value = arg.slice(eq + 1);
    else {
      const next = argv[i + 1];
      if (next === undefined) throw new UsageError(`option ${name} needs a value`);
      value = next;
      i++;
    }
    const list = values.get(name) ?? [];
    if (list.length > 0 && !(spec.repeatable ?? []).includes(name)) {
      throw new UsageError(`option ${name} given more than once`);
    }
    list.push(value);
    values.set(name, list);
  }
  return { positionals, values, flags };
}

/** The single value of an option, if given. */
export function optionValue(args: ParsedArgs, name: string): string | undefined {
  return args.values.get(name)?.[0];
}

/** `--format` restricted to the allowed names. */
export function formatOf<T extends string>(
  args: ParsedArgs,
  allowed: readonly T[],
  fallback: T,
): T {
  const raw = optionValue(args, '--format');
  if (raw === undefined) return fallback;
  const found = allowed.find((a) => a === raw);
  if (found === undefined) {
    throw new UsageError(`--format must be one of ${allowed.join(', ')}, not "${raw}"`);
  }
  return found;
}

/** Parses a non-negative integer option. */
export function intOf(args: ParsedArgs, name: string): number | undefined {
  const raw = optionValue(args, name);
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw))
    throw new UsageError(`${name} must be a non-negative integer, not "${raw}"`);
  return Number(raw);
}

/** Runs a command body, mapping usage and input errors to exit code 2 with a message. */
export async function guarded(
  io: CliIo,
  usage: string,
  body: () => Promise<number>,
): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`switchyard: ${error.message}\n\n${usage}`);
      return EXIT_USAGE;
    }
    if (error instanceof InputError) {
      io.stderr.write(`switchyard: ${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
}
