// `switchyard eval FLAG --context JSON`: evaluates one flag locally, as the
// daemon would, and prints value, variant, reason and, with --explain, the rule trace.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  type CliIo,
  EXIT_OK,
  EXIT_PROBLEMS,
  formatOf,
  guarded,
  InputError,
  optionValue,
  parseArgs,
  UsageError,
} from './cli-io.js';
import { engine } from './engine.js';
import type { EvaluationContext, FlagDefinition } from './engine-types.js';
import { loadFlags } from './flag-sets.js';
import { formatTrace, short } from './trace-text.js';
import { clockOf } from './validate.js';

export const EVAL_USAGE = `Usage: switchyard eval FLAG [options]

Evaluates FLAG locally against flag files and prints value, variant and reason.

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

export async function runEval(argv: string[], io: CliIo): Promise<number> {
  return guarded(io, EVAL_USAGE, async () => {
    const args = parseArgs(argv, {
      values: ['--context', '--uri', '--format', '--now'],
      repeatable: ['--uri'],
      flags: ['--explain', '--help', '-h'],
    });
    if (args.flags.has('--help') || args.flags.has('-h')) {
      io.stdout.write(EVAL_USAGE);
      return EXIT_OK;
    }
    const format = formatOf(args, ['text', 'json'] as const, 'text');
    if (args.positionals.length !== 1) throw new UsageError('eval needs exactly one FLAG key');
    const flagKey = args.positionals[0] as string;
    const context = parseContext(optionValue(args, '--context'));
    const nowMs = clockOf(
      optionValue(args, '--now') ?? io.env.SWITCHYARD_NOW,
      Date.now,
      '--now / SWITCHYARD_NOW',
    );
    const uris = args.values.get('--uri') ?? [];
    const paths = uris.length > 0 ? uris.map(uriPath) : ['flags'];
    if (uris.length === 0 && !existsSync(resolve(io.cwd, 'flags'))) {
      throw new InputError('no ./flags here; pass --uri file:PATH');
    }
    const definitions: FlagDefinition[] = [];
    for (const path of paths) definitions.push(...(await loadFlags(path, io.cwd)).flags.values());
    const { snapshot } = engine.createSnapshot(definitions);
    const explain = args.flags.has('--explain');
    const options = { now: () => nowMs };
    const { result, trace } = explain
      ? engine.explain(snapshot, { flagKey, context }, options)
      : { result: engine.evaluateAny(snapshot, { flagKey, context }, options), trace: undefined };

    if (format === 'json') {
      const report = { flagKey, ...result, ...(trace === undefined ? {} : { trace }) };
      io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    } else {
      const lines = [`flag:     ${flagKey}`];
      lines.push(
        `value:    ${result.value === undefined ? '(code default)' : short(result.value)}`,
      );
      lines.push(`variant:  ${result.variant ?? '(none)'}`);
      lines.push(`reason:   ${result.reason}`);
      if (result.errorCode !== undefined)
        lines.push(
          `error:    ${result.errorCode}${result.errorMessage ? `: ${result.errorMessage}` : ''}`,
        );
      if (Object.keys(result.flagMetadata).length > 0)
        lines.push(`metadata: ${short(result.flagMetadata)}`);
      io.stdout.write(`${lines.join('\n')}\n`);
      if (trace !== undefined) io.stdout.write(formatTrace(trace));
    }
    return result.reason === 'ERROR' ? EXIT_PROBLEMS : EXIT_OK;
  });
}
