// `switchyard set FLAG --variant NAME | --state ENABLED|DISABLED [PATH...]`: the one-command
// change of a flag, for an incident or a rollout's last step. Finds the one file that defines
// the flag, changes only the value that must change (one line where it can), checks the result
// (it must parse, change nothing else, and add no validation error), replaces the file
// atomically, optionally commits it, and optionally waits until a running daemon serves it.
// Exit 0 done, 1 refused or not served in time, 2 usage or input error.
import { dirname } from 'node:path';
import { UsageError } from '@switchyard/core';
import { commandNow } from '../cli/clock.js';
import { type Command, HELP_OPTION, NOW_OPTION, runCommand } from '../cli/command.js';
import { parseDuration } from '../cli/duration.js';
import { type CliIo, EXIT_OK, EXIT_PROBLEMS } from '../cli/io.js';
import { isSet, optionValue } from '../cli/option-values.js';
import type { CommandSpec, ParsedArgs } from '../cli/parse-args.js';
import { FlagEditRefusedError } from '../errors/flag-edit-refused-error.js';
import { InputError } from '../errors/input-error.js';
import { writeFileAtomic } from '../files/atomic-write.js';
import { expandPaths } from '../flags/files.js';
import { type LocatedFlag, locateFlags } from '../flags/located-flags.js';
import { type ProjectConfig, resolveConfig } from '../validate/config.js';
import { checkEdit } from './check-edit.js';
import { commitEdit } from './commit.js';
import { waitUntilServed } from './daemon-wait.js';
import { editFlag, type FlagEditRequest } from './flag-edit.js';
import { INCIDENT_KEY } from './incident.js';

export const SET_USAGE = `Usage: switchyard set FLAG [PATH...] (--variant NAME | --state ENABLED|DISABLED) [options]

Changes one flag in the file that defines it, touching only the value that changes (comments
and layout of JSON and YAML stay), checks the result with the rules of \`switchyard validate\`,
and replaces the file atomically. PATH: flag files, directories or globs (default ./flags).

Options:
  --variant NAME        make NAME the flag's default variant
  --state ENABLED|DISABLED
  --flag-set ID         the flag's set, when FLAG is defined in several
  --incident REASON     record why (metadata "incident"): lets a kill switch default to its
                        off variant through validate and the diff --max-impact gate, visibly
  --default-only        change the default variant of a flag that has targeting (the rule
                        still decides for the contexts it returns a variant for)
  --commit              git commit the file (message: -m, or one naming the change)
  -m, --message TEXT    the commit message
  --daemon URL          wait until the daemon at URL (its management port) serves the change
  --timeout DURATION    how long to wait for the daemon (default 30s)
  --config FILE         project config (default: nearest switchyard.config.*)
  --now DATE            the date the expiry rules compare against

Exit codes: 0 done, 1 refused (nothing written) or not served in time, 2 usage or input error.
`;

const SET_SPEC: CommandSpec = {
  name: 'set',
  repeated: 'refused',
  options: [
    { name: 'variant', type: 'string', arg: 'NAME' },
    { name: 'state', type: 'string', arg: 'ENABLED|DISABLED' },
    { name: 'flag-set', type: 'string', arg: 'ID' },
    { name: 'incident', type: 'string', arg: 'REASON' },
    { name: 'default-only', type: 'bool' },
    { name: 'commit', type: 'bool' },
    { name: 'message', short: 'm', type: 'string', arg: 'TEXT' },
    { name: 'daemon', type: 'string', arg: 'URL' },
    { name: 'timeout', type: 'duration', arg: 'DURATION' },
    { name: 'config', type: 'string', arg: 'FILE' },
    NOW_OPTION,
    HELP_OPTION,
  ],
};

function stateOf(args: ParsedArgs): 'ENABLED' | 'DISABLED' | undefined {
  const state = optionValue(args, 'state');
  if (state === undefined || state === 'ENABLED' || state === 'DISABLED') return state;
  throw new UsageError(`--state must be ENABLED or DISABLED, not "${state}"`);
}

/** The one definition of FLAG among the files (in its set when --flag-set is given). */
function findFlag(args: ParsedArgs, io: CliIo, key: string): LocatedFlag {
  const paths = args.positionals.slice(1);
  const files = expandPaths(paths.length > 0 ? paths : ['flags'], io.cwd);
  const set = optionValue(args, 'flag-set');
  const found = locateFlags(files).filter(
    (f) =>
      f.definition.key === key && (set === undefined || (f.definition.flagSetId ?? '') === set),
  );
  if (found.length === 0) {
    const where = files.map((f) => f.display).join(', ');
    throw new InputError(
      `no flag "${key}"${set === undefined ? '' : ` in set "${set}"`} in ${where}`,
    );
  }
  if (found.length > 1) {
    const list = found.map(
      (f) => `  ${f.file.display}:${f.at.line} (set ${f.definition.flagSetId ?? '(none)'})`,
    );
    throw new FlagEditRefusedError(
      `flag "${key}" is defined ${found.length} times; name its set (--flag-set) or its file:\n${list.join('\n')}`,
    );
  }
  return found[0] as LocatedFlag;
}

const isOn = (value: unknown) => value === true || value === 'on';

/** What to change, checked against the flag; a kill switch turned back on drops its incident. */
function requestOf(args: ParsedArgs, located: LocatedFlag, config: ProjectConfig): FlagEditRequest {
  const flag = located.definition;
  const variant = optionValue(args, 'variant');
  const state = stateOf(args);
  const incident = optionValue(args, 'incident');
  if (variant === undefined && state === undefined)
    throw new UsageError('set needs --variant NAME or --state ENABLED|DISABLED');
  if (incident !== undefined && incident.trim() === '')
    throw new UsageError('--incident needs a reason (a ticket, a sentence)');
  if (variant !== undefined && !Object.hasOwn(flag.variants, variant)) {
    throw new FlagEditRefusedError(
      `flag "${flag.key}" has no variant "${variant}" (variants: ${Object.keys(flag.variants).join(', ')})`,
    );
  }
  if (variant !== undefined && flag.targeting !== undefined && !isSet(args, 'default-only')) {
    throw new FlagEditRefusedError(
      `flag "${flag.key}" has targeting: its default variant serves only the contexts the rule returns no variant for, so "${variant}" would not reach everyone. Edit the targeting, or pass --default-only to change the default anyway`,
    );
  }
  const prefix = config.rules['kill-switch-default'].prefix;
  const killSwitchOn =
    prefix !== '' &&
    flag.key.startsWith(prefix) &&
    variant !== undefined &&
    isOn(flag.variants[variant]);
  return { variant, state, incident, clearIncident: incident === undefined && killSwitchOn };
}

function describe(located: LocatedFlag, request: FlagEditRequest): string {
  const flag = located.definition;
  const parts: string[] = [];
  if (request.state !== undefined && request.state !== flag.state)
    parts.push(`state ${flag.state} → ${request.state}`);
  if (request.variant !== undefined && request.variant !== flag.defaultVariant)
    parts.push(`defaultVariant "${flag.defaultVariant ?? ''}" → "${request.variant}"`);
  if (request.incident !== undefined) parts.push(`incident "${request.incident}"`);
  if (request.clearIncident && flag.metadata[INCIDENT_KEY] !== undefined)
    parts.push('incident cleared');
  return parts.join(', ');
}

async function set(args: ParsedArgs, io: CliIo): Promise<number> {
  const key = args.positionals[0];
  if (key === undefined) throw new UsageError('set needs a FLAG key');
  const timeoutMs = parseDuration(optionValue(args, 'timeout') ?? '30s', 'timeout');
  const config = resolveConfig(io.cwd, optionValue(args, 'config'));
  const located = findFlag(args, io, key);
  const request = requestOf(args, located, config);
  const text = editFlag(
    {
      text: located.text,
      path: located.at.path,
      raw: located.at.raw ?? {},
      file: located.file.display,
      key,
    },
    request,
  );
  const where = `${located.file.display}:${located.at.line}`;
  if (text === located.text) {
    io.stdout.write(`${where}: ${key} is already so; nothing to change\n`);
  } else {
    const warnings = checkEdit({ located, text, request, config, now: commandNow(args, io) });
    await writeFileAtomic(located.file.path, text);
    io.stdout.write(
      `${where}: ${key}: ${describe(located, request)}\nwrote ${located.file.display}\n`,
    );
    for (const w of warnings) io.stdout.write(`${w}\n`);
    if (isSet(args, 'commit')) {
      const message =
        optionValue(args, 'message') ?? `switchyard set ${key}: ${describe(located, request)}`;
      const sha = await commitEdit({
        file: located.file.path,
        message,
        incident: request.incident,
      });
      io.stdout.write(`committed ${sha.slice(0, 12)} in ${dirname(located.file.display) || '.'}\n`);
    }
  }
  const daemon = optionValue(args, 'daemon');
  if (daemon === undefined) return EXIT_OK;
  const served = await waitUntilServed({ daemon, flag: located.definition, request, timeoutMs });
  io.stdout.write(`${served.message}\n`);
  return served.ok ? EXIT_OK : EXIT_PROBLEMS;
}

const SET_COMMAND: Command = { spec: SET_SPEC, usage: SET_USAGE, run: set };

export function runSet(argv: readonly string[], io: CliIo): Promise<number> {
  return runCommand(SET_COMMAND, argv, io);
}
