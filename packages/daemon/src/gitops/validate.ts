// `switchyard validate PATH...` (issue 7, item 1): core's strict checks plus lifecycle rules,
// reported as text, JSON or SARIF. Exit 0 clean, 1 problems, 2 usage or input error.
import {
  type CliIo,
  EXIT_OK,
  EXIT_PROBLEMS,
  formatOf,
  guarded,
  intOf,
  parseArgs,
  UsageError,
  optionValue,
} from './cli-io.js';
import { resolveConfig } from './config.js';
import { type FlagDocument, readFlagDocument } from './document.js';
import { expandPaths, readText } from './files.js';
import type { Finding } from './findings.js';
import { parseIsoDate, lifecycleFindings } from './rules.js';
import { formatJson, formatSarif, formatText, summarize } from './report.js';

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

export interface ValidateOptions {
  /** Clock for the expiry rules (tests); `--now` still wins, then this, `$SWITCHYARD_NOW`, `Date.now`. */
  readonly now?: () => number;
}

/** A clock value: an ISO 8601 date/date-time or epoch milliseconds; `fallback` when unset. */
export function clockOf(raw: string | undefined, fallback: () => number, what: string): number {
  if (raw === undefined || raw === '') return fallback();
  if (/^\d+$/.test(raw)) return Number(raw);
  const at = parseIsoDate(raw);
  if (at === undefined)
    throw new UsageError(`${what} must be an ISO 8601 date or epoch milliseconds, not "${raw}"`);
  return at;
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

export async function runValidate(
  argv: string[],
  io: CliIo,
  options: ValidateOptions = {},
): Promise<number> {
  return guarded(io, VALIDATE_USAGE, async () => {
    const args = parseArgs(argv, {
      values: ['--format', '--config', '--max-warnings', '--now'],
      flags: ['--help', '-h'],
    });
    if (args.flags.has('--help') || args.flags.has('-h')) {
      io.stdout.write(VALIDATE_USAGE);
      return EXIT_OK;
    }
    const format = formatOf(args, ['text', 'json', 'sarif'] as const, 'text');
    const maxWarnings = intOf(args, '--max-warnings');
    if (args.positionals.length === 0) throw new UsageError('validate needs at least one PATH');
    // Precedence: --now, then the injected clock, then SWITCHYARD_NOW, then the real clock.
    const cliNow = optionValue(args, '--now');
    const now =
      cliNow !== undefined
        ? clockOf(cliNow, Date.now, '--now')
        : (options.now?.() ?? clockOf(io.env.SWITCHYARD_NOW, Date.now, 'SWITCHYARD_NOW'));
    const config = resolveConfig(io.cwd, optionValue(args, '--config'));
    const files = expandPaths(args.positionals, io.cwd);

    const docs = files.map((file) => readFlagDocument(file, readText(file)));
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
    findings.sort((a, b) =>
      a.file === b.file ? a.line - b.line || a.column - b.column : a.file < b.file ? -1 : 1,
    );

    const summary = summarize(files.length, findings);
    if (format === 'json') io.stdout.write(formatJson(findings, summary));
    else if (format === 'sarif') io.stdout.write(formatSarif(findings, config, '0.1.0'));
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
  });
}
