// `switchyard eval FLAG --context JSON`: evaluates one flag locally, as the
// daemon would, and prints value, variant, reason and, with --explain, the rule trace.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { commandNow } from '../cli/clock.js';
import { type CliIo, EXIT_OK, EXIT_PROBLEMS } from '../cli/io.js';
import { type Command, HELP_OPTION, NOW_OPTION, runCommand } from '../cli/command.js';
import { formatOf, isSet, optionValue } from '../cli/option-values.js';
import type { CommandSpec, ParsedArgs } from '../cli/parse-args.js';
import { formatDiagnostic, UsageError } from '@switchyard/core';
import { engine } from '../engine.js';
import type {
  AnyResult,
  Diagnostic,
  EvaluationContext,
  ExplainTrace,
  FlagDefinition,
} from '../engine-types.js';
import { InputError } from '../errors/input-error.js';
import { loadFlags } from '../flags/flag-sets.js';
import { formatTrace } from './trace-text.js';

export const EVAL_USAGE = `Usage: switchyard eval FLAG [options]

Evaluates FLAG locally against flag files, as the daemon serves them, and prints value,
variant, reason and metadata. A flag whose targeting cannot compile (an unknown operator or
$ref) is served as written and evaluates to PARSE_ERROR; its error is shown.

Options:
  --context JSON        the evaluation context, a JSON object (default {})
  --explain             also print the trace: each operator, its operands and result, and
                        for fractional the bucketing value, hash, bucket and ranges
  --uri file:PATH       flag file or directory; repeatable, later wins (default: ./flags)
  --format text|json    output format (default text)
  --now DATE            clock for $flagd.timestamp (default now, or $SWITCHYARD_NOW)

Exit codes: 0 evaluated, 1 evaluation error (e.g. FLAG_NOT_FOUND), 2 usage or input error.
`;

function parseContext(raw: string | undefined): EvaluationContext {
  if (raw === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    throw new UsageError(`--context is not JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError('--context must be a JSON object');
  }
  return value as EvaluationContext;
}

function uriPath(uri: string): string {
  if (uri.startsWith('file://')) return decodeURIComponent(uri.slice('file://'.length));
  if (uri.startsWith('file:')) return uri.slice('file:'.length);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri))
    throw new UsageError(`eval reads local files only (file:PATH), not ${uri}`);
  return uri;
}

const EVAL_SPEC: CommandSpec = {
  name: 'eval',
  repeated: 'refused',
  options: [
    { name: 'context', type: 'string', arg: 'JSON' },
    { name: 'uri', type: 'list', arg: 'file:PATH' },
    { name: 'format', type: 'string', arg: 'text|json' },
    { name: 'explain', type: 'bool' },
    NOW_OPTION,
    HELP_OPTION,
  ],
};

/** The flags of `--uri` (later wins), else of ./flags, parsed as the daemon parses them. */
async function loadDefinitions(args: ParsedArgs, cwd: string): Promise<FlagDefinition[]> {
  const uris = args.values.get('uri') ?? [];
  if (uris.length === 0 && !existsSync(resolve(cwd, 'flags'))) {
    throw new InputError('no ./flags here; pass --uri file:PATH');
  }
  const definitions: FlagDefinition[] = [];
  for (const path of uris.length > 0 ? uris.map(uriPath) : ['flags'])
    definitions.push(...(await loadFlags(path, cwd, 'served')).flags.values());
  return definitions;
}

/** The served flags whose rule cannot compile, one line each (stderr: stdout stays the report). */
function ruleErrorLines(definitions: readonly FlagDefinition[]): string {
  const broken = definitions.filter((d) => d.error !== undefined);
  if (broken.length === 0) return '';
  const lines = broken.map((d) => `  ${formatDiagnostic(d.error as Diagnostic)}`);
  return `switchyard: served with a rule error (they evaluate to PARSE_ERROR):\n${lines.join('\n')}\n`;
}

interface Evaluated {
  readonly flagKey: string;
  readonly result: AnyResult;
  readonly trace: ExplainTrace | undefined;
}

function textReport({ flagKey, result, trace }: Evaluated): string {
  const lines = [`flag:     ${flagKey}`];
  lines.push(
    `value:    ${result.value === undefined ? '(code default)' : JSON.stringify(result.value)}`,
  );
  lines.push(`variant:  ${result.variant ?? '(none)'}`);
  lines.push(`reason:   ${result.reason}`);
  if (result.errorCode !== undefined)
    lines.push(
      `error:    ${result.errorCode}${result.errorMessage ? `: ${result.errorMessage}` : ''}`,
    );
  lines.push(...metadataLines(result.flagMetadata));
  return `${lines.join('\n')}\n${trace === undefined ? '' : formatTrace(trace)}`;
}

/** Every metadata entry in full, one per line (a description is often the longest value). */
function metadataLines(metadata: AnyResult['flagMetadata']): string[] {
  const entries = Object.entries(metadata);
  if (entries.length === 0) return [];
  const width = Math.max(...entries.map(([key]) => key.length));
  return [
    'metadata:',
    ...entries.map(([key, value]) => `  ${`${key}:`.padEnd(width + 1)} ${JSON.stringify(value)}`),
  ];
}

function jsonReport({ flagKey, result, trace }: Evaluated): string {
  const report = { flagKey, ...result, ...(trace === undefined ? {} : { trace }) };
  return `${JSON.stringify(report, null, 2)}\n`;
}

async function evaluate(args: ParsedArgs, io: CliIo): Promise<number> {
  const format = formatOf(args, ['text', 'json'] as const, 'text');
  if (args.positionals.length !== 1) throw new UsageError('eval needs exactly one FLAG key');
  const flagKey = args.positionals[0] as string;
  const context = parseContext(optionValue(args, 'context'));
  const nowMs = commandNow(args, io);
  const definitions = await loadDefinitions(args, io.cwd);
  io.stderr.write(ruleErrorLines(definitions));
  const { snapshot } = engine.createSnapshot(definitions);
  const options = { now: () => nowMs };
  const evaluated: Evaluated = isSet(args, 'explain')
    ? { flagKey, ...engine.explain(snapshot, { flagKey, context }, options) }
    : {
        flagKey,
        result: engine.evaluateAny(snapshot, { flagKey, context }, options),
        trace: undefined,
      };
  io.stdout.write(format === 'json' ? jsonReport(evaluated) : textReport(evaluated));
  return evaluated.result.reason === 'ERROR' ? EXIT_PROBLEMS : EXIT_OK;
}

const EVAL_COMMAND: Command = { spec: EVAL_SPEC, usage: EVAL_USAGE, run: evaluate };

export function runEval(argv: readonly string[], io: CliIo): Promise<number> {
  return runCommand(EVAL_COMMAND, argv, io);
}
