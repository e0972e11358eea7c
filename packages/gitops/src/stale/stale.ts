// `switchyard stale [PATH...]`: a cleanup report of the flags that may have outlived their
// purpose — past their expiry, serving one variant to everyone for N days (git or audit
// history), not evaluated for N days (usage from a daemon or its usage file), or referred to by
// no source file (`--code DIR`) — with owner and file:line, as text, JSON or SARIF.
// Exit 0 nothing stale, 1 stale flags found, 2 usage or input error.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '@switchyard/core';
import { commandNow } from '../cli/clock.js';
import { type Command, HELP_OPTION, NOW_OPTION, runCommand } from '../cli/command.js';
import { type CliIo, EXIT_OK, EXIT_PROBLEMS } from '../cli/io.js';
import { formatOf, intOf, optionValue } from '../cli/option-values.js';
import type { CommandSpec, ParsedArgs } from '../cli/parse-args.js';
import { expandPaths } from '../flags/files.js';
import { type LocatedFlag, locateFlags } from '../flags/located-flags.js';
import { type ProjectConfig, resolveConfig } from '../validate/config.js';
import { VERSION } from '../version.js';
import { findCodeReferences } from './code-refs.js';
import { lastChangeInAudit, readAuditLog, singleSinceFromGit } from './single-since.js';
import {
  formatStaleJson,
  formatStaleSarif,
  formatStaleText,
  type StaleFlag,
} from './stale-report.js';
import {
  expiredReason,
  isPermanent,
  singleOutcome,
  singleVariantReason,
  type StaleReason,
  type StaleSettings,
  unusedReason,
} from './stale-rules.js';
import { type UsageLookup, loadUsage } from './usage-input.js';

export const STALE_USAGE = `Usage: switchyard stale [PATH...] [options]

Reports flags that may have outlived their purpose, with owner and file:line. PATH: flag files,
directories or globs, as validate takes them (default ./flags).

Reasons:
  expired          past the expiry date in its metadata (rule "expired" of the project config)
  single-variant   serves one variant to everyone (or is DISABLED), unchanged for --days
                   (from git history, else --audit); kill switches and "permanent": true are exempt
  unused           not evaluated for --days (needs --usage or --daemon)
  unreferenced     no source file under --code refers to it

Options:
  --days N             days before single-variant and unused count (default 30)
  --usage FILE         the daemon's usage record (switchyard start --usage-file FILE)
  --daemon URL         read usage from a running daemon's management port (http://host:8014)
  --code DIR           scan source files under DIR for flag keys (repeatable): OpenFeature calls in
                       TypeScript/JavaScript, Go, Java, Kotlin, Python, C#, Ruby, PHP, Swift, Rust
  --audit FILE         the daemon's --audit-log, for flags whose files are not in git
  --format text|json|sarif   output format (default text)
  --config FILE        project config (default: nearest switchyard.config.*)
  --now DATE           the date ages are measured at (default: now, or $SWITCHYARD_NOW)

Exit codes: 0 nothing stale, 1 stale flags found, 2 usage or input error.
`;

const STALE_SPEC: CommandSpec = {
  name: 'stale',
  repeated: 'refused',
  options: [
    { name: 'days', type: 'int', arg: 'N' },
    { name: 'usage', type: 'string', arg: 'FILE' },
    { name: 'daemon', type: 'string', arg: 'URL' },
    { name: 'code', type: 'list', arg: 'DIR' },
    { name: 'audit', type: 'string', arg: 'FILE' },
    { name: 'format', type: 'string', arg: 'text|json|sarif' },
    { name: 'config', type: 'string', arg: 'FILE' },
    NOW_OPTION,
    HELP_OPTION,
  ],
};

interface Evidence {
  readonly settings: StaleSettings;
  readonly now: number;
  readonly usage: UsageLookup | undefined;
  readonly references: Map<string, unknown[]> | undefined;
  readonly audit: Parameters<typeof lastChangeInAudit>[0] | undefined;
}

async function singleVariant(located: LocatedFlag, evidence: Evidence) {
  const { definition: flag, at } = located;
  if (isPermanent(flag, evidence.settings)) return undefined;
  const outcome = singleOutcome(flag);
  if (outcome === undefined || at.raw === undefined) return undefined;
  const since =
    (await singleSinceFromGit({
      file: located.file.path,
      key: flag.key,
      flagSetId: flag.flagSetId,
      current: at.raw,
      outcome,
      now: evidence.now,
    })) ??
    (evidence.audit ? lastChangeInAudit(evidence.audit, flag.key, flag.flagSetId) : undefined);
  return singleVariantReason(flag, evidence.settings, { now: evidence.now, since });
}

async function reasonsOf(located: LocatedFlag, evidence: Evidence): Promise<StaleReason[]> {
  const flag = located.definition;
  const reasons = [
    expiredReason(flag, evidence.settings, evidence.now),
    await singleVariant(located, evidence),
    evidence.usage === undefined
      ? undefined
      : unusedReason(
          evidence.usage.flag(flag.key, flag.flagSetId),
          evidence.usage.record,
          evidence.settings,
          evidence.now,
        ),
    evidence.references === undefined || evidence.references.has(flag.key)
      ? undefined
      : { reason: 'unreferenced' as const, message: 'no source file refers to it' },
  ];
  return reasons.filter((r): r is StaleReason => r !== undefined);
}

function pathsOf(args: ParsedArgs, cwd: string): readonly string[] {
  if (args.positionals.length > 0) return args.positionals;
  if (!existsSync(resolve(cwd, 'flags')))
    throw new UsageError('stale needs a PATH (there is no ./flags here)');
  return ['flags'];
}

async function evidenceOf(
  args: ParsedArgs,
  io: CliIo,
  { config, keys }: { config: ProjectConfig; keys: ReadonlySet<string> },
): Promise<Evidence> {
  const settings: StaleSettings = {
    days: intOf(args, 'days') ?? 30,
    expiresKey: config.rules.expired.key,
    killSwitchPrefix: config.rules['kill-switch-default'].prefix,
  };
  const code = args.values.get('code') ?? [];
  const audit = optionValue(args, 'audit');
  return {
    settings,
    now: commandNow(args, io),
    usage: await loadUsage(
      { file: optionValue(args, 'usage'), daemon: optionValue(args, 'daemon') },
      io.cwd,
    ),
    references:
      code.length === 0
        ? undefined
        : await findCodeReferences(
            code.map((dir) => resolve(io.cwd, dir)),
            keys,
            io.cwd,
          ),
    audit: audit === undefined ? undefined : await readAuditLog(resolve(io.cwd, audit)),
  };
}

async function stale(args: ParsedArgs, io: CliIo): Promise<number> {
  const format = formatOf(args, ['text', 'json', 'sarif'] as const, 'text');
  const flags = locateFlags(expandPaths(pathsOf(args, io.cwd), io.cwd));
  const config = resolveConfig(io.cwd, optionValue(args, 'config'));
  const keys = new Set(flags.map((f) => f.definition.key));
  const evidence = await evidenceOf(args, io, { config, keys });
  const found: StaleFlag[] = [];
  for (const located of flags) {
    const reasons = await reasonsOf(located, evidence);
    if (reasons.length === 0) continue;
    const { definition: flag, file, at } = located;
    const owner = flag.metadata[config.rules['owner-required'].key];
    found.push({
      key: flag.key,
      ...(flag.flagSetId === undefined ? {} : { flagSetId: flag.flagSetId }),
      ...(owner === undefined ? {} : { owner: String(owner) }),
      file: file.display,
      line: at.line,
      column: at.column,
      reasons,
    });
  }
  const checked = {
    flags: flags.length,
    usage: evidence.usage !== undefined,
    code: evidence.references !== undefined,
  };
  if (format === 'json') io.stdout.write(formatStaleJson(found, checked));
  else if (format === 'sarif') io.stdout.write(formatStaleSarif(found, VERSION));
  else io.stdout.write(formatStaleText(found, checked));
  return found.length > 0 ? EXIT_PROBLEMS : EXIT_OK;
}

const STALE_COMMAND: Command = { spec: STALE_SPEC, usage: STALE_USAGE, run: stale };

export function runStale(argv: readonly string[], io: CliIo): Promise<number> {
  return runCommand(STALE_COMMAND, argv, io);
}
