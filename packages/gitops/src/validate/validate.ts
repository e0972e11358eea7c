// `switchyard validate PATH...`: core's strict checks plus lifecycle rules, reported as text,
// JSON or SARIF. Exit 0 clean, 1 problems, 2 usage or input error.
import { UsageError } from '@switchyard/core';
import { commandNow } from '../cli/clock.js';
import { type CliIo, EXIT_OK, EXIT_PROBLEMS } from '../cli/io.js';
import { type Command, HELP_OPTION, NOW_OPTION, runCommand } from '../cli/command.js';
import { formatOf, intOf, optionValue } from '../cli/option-values.js';
import type { CommandSpec, ParsedArgs } from '../cli/parse-args.js';
import { type FlagDocument, readFlagDocument } from '../flags/document.js';
import { expandPaths, readText } from '../flags/files.js';
import { VERSION } from '../version.js';
import { type ProjectConfig, resolveConfig } from './config.js';
import type { Finding } from './findings.js';
import { formatJson, formatSarif, formatText, summarize } from './report.js';
import { lifecycleFindings } from './rules.js';

export const VALIDATE_USAGE = `Usage: switchyard validate PATH... [options]

Checks flag files (files, directories, globs with * and **) with the strict parser and the
lifecycle rules of the project config (switchyard.config.json|yaml, from cwd upwards).

Options:
  --format text|json|sarif   output format (default text)
  --config FILE              project config file (default: nearest switchyard.config.*)
  --max-warnings N           exit 1 when there are more than N warnings
  --now DATE                 the date expiry rules compare against (default: now, or $SWITCHYARD_NOW)

Exit codes: 0 no errors, 1 problems found, 2 usage or input error.
`;

const VALIDATE_SPEC: CommandSpec = {
  name: 'validate',
  repeated: 'refused',
  options: [
    { name: 'format', type: 'string', arg: 'text|json|sarif' },
    { name: 'config', type: 'string', arg: 'FILE' },
    { name: 'max-warnings', type: 'int', arg: 'N' },
    NOW_OPTION,
    HELP_OPTION,
  ],
};

export interface ValidateOptions {
  /** Clock for the expiry rules (tests); `--now` still wins, then this, `$SWITCHYARD_NOW`, `Date.now`. */
  readonly now?: () => number;
}

function coreFinding(doc: FlagDocument, d: FlagDocument['result']['diagnostics'][number]): Finding {
  return {
    ruleId: `core/${d.code}`,
    severity: d.severity,
    message: d.message,
    file: doc.file.display,
    line: d.line ?? 1,
    column: d.column ?? 1,
    ...(d.flagKey === undefined ? {} : { flagKey: d.flagKey }),
    ...(d.path === '' ? {} : { path: d.path }),
  };
}

/** Every finding of the documents, core's and the lifecycle rules', in file:line:col order. */
export function findingsOf(
  docs: readonly FlagDocument[],
  config: ProjectConfig,
  now: number,
): Finding[] {
  const findings: Finding[] = [];
  for (const doc of docs)
    for (const d of doc.result.diagnostics) findings.push(coreFinding(doc, d));
  findings.push(
    ...lifecycleFindings(
      docs.filter((d) => d.result.ok),
      config,
      now,
    ),
  );
  return findings.sort((a, b) =>
    a.file === b.file ? a.line - b.line || a.column - b.column : a.file < b.file ? -1 : 1,
  );
}

async function validate(args: ParsedArgs, io: CliIo, options: ValidateOptions): Promise<number> {
  const format = formatOf(args, ['text', 'json', 'sarif'] as const, 'text');
  const maxWarnings = intOf(args, 'max-warnings');
  if (args.positionals.length === 0) throw new UsageError('validate needs at least one PATH');
  const now = commandNow(args, io, options.now);
  const config = resolveConfig(io.cwd, optionValue(args, 'config'));
  const files = expandPaths(args.positionals, io.cwd);
  const docs = files.map((file) => readFlagDocument(file, readText(file)));
  const findings = findingsOf(docs, config, now);

  const summary = summarize(files.length, findings);
  if (format === 'json') io.stdout.write(formatJson(findings, summary));
  else if (format === 'sarif') io.stdout.write(formatSarif(findings, config, VERSION));
  else io.stdout.write(formatText(findings, summary));

  if (summary.errors > 0) return EXIT_PROBLEMS;
  if (maxWarnings !== undefined && summary.warnings > maxWarnings) {
    if (format === 'text')
      io.stderr.write(
        `switchyard: ${summary.warnings} warnings exceed --max-warnings ${maxWarnings}\n`,
      );
    return EXIT_PROBLEMS;
  }
  return EXIT_OK;
}

export function runValidate(
  argv: readonly string[],
  io: CliIo,
  options: ValidateOptions = {},
): Promise<number> {
  const command: Command = {
    spec: VALIDATE_SPEC,
    usage: VALIDATE_USAGE,
    run: (args) => validate(args, io, options),
  };
  return runCommand(command, argv, io);
}
