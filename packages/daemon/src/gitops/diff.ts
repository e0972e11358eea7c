// `switchyard diff OLD NEW` (issue 7, item 2): what changed per flag and how many contexts
// change variant; `--max-impact` fails (exit 1) when a changed flag moves too many of them.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  type CliIo,
  EXIT_OK,
  EXIT_PROBLEMS,
  formatOf,
  guarded,
  InputError,
  intOf,
  optionValue,
  parseArgs,
  UsageError,
} from './cli-io.js';
import { diffFlags, type FlagDiff, rulesOf } from './diff-model.js';
import { formatDiffText } from './diff-text.js';
import type { EvaluationContext } from './engine-types.js';
import { loadFlags } from './flag-sets.js';
import { generatePopulation } from './population.js';
import { clockOf } from './validate.js';

export const DIFF_USAGE = `Usage: switchyard diff OLD NEW [options]

Compares two flag configurations. OLD and NEW are files, directories or git revisions
(REV:path, e.g. origin/main:flags). Prints per changed flag what changed and the impact: the
share of contexts whose variant changes and the from → to matrix.

Options:
  --contexts FILE.ndjson   evaluate these contexts (one JSON object per line)
  --sample N               evaluate N generated contexts (default 10000)
  --seed N                 seed of the generated population (default 1)
  --max-impact P%          exit 1 when a flag changes the variant of more than P% of contexts
  --format text|json       output format (default text)
  --now DATE               clock for $flagd.timestamp (default now, or $SWITCHYARD_NOW)

Exit codes: 0 ok, 1 impact above --max-impact, 2 usage or input error (including invalid flags).
`;

export const DEFAULT_SAMPLE = 10_000;

/** `5%`, `5` or `0.5%` → 5, 5, 0.5 (percent). */
export function parsePercent(raw: string): number {
  const text = raw.endsWith('%') ? raw.slice(0, -1) : raw;
  if (!/^\d+(\.\d+)?$/.test(text))
    throw new UsageError(`--max-impact must be a percentage like 5% or 0.5%, not "${raw}"`);
  const value = Number(text);
  if (value > 100) throw new UsageError('--max-impact must be at most 100%');
  return value;
}

export function readContexts(file: string, cwd: string): EvaluationContext[] {
  let text: string;
  try {
    text = readFileSync(resolve(cwd, file), 'utf8');
  } catch (error) {
    throw new InputError(`cannot read ${file}: ${(error as Error).message}`);
  }
  const out: EvaluationContext[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new InputError(`${file}:${i + 1}: not JSON: ${(error as Error).message}`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new InputError(`${file}:${i + 1}: a context must be a JSON object`);
    }
    out.push(value as EvaluationContext);
  });
  return out;
}

export async function runDiff(argv: string[], io: CliIo): Promise<number> {
  return guarded(io, DIFF_USAGE, async () => {
    const args = parseArgs(argv, {
      values: ['--contexts', '--sample', '--seed', '--max-impact', '--format', '--now'],
      flags: ['--help', '-h'],
    });
    if (args.flags.has('--help') || args.flags.has('-h')) {
      io.stdout.write(DIFF_USAGE);
      return EXIT_OK;
    }
    const format = formatOf(args, ['text', 'json'] as const, 'text');
    if (args.positionals.length !== 2)
      throw new UsageError('diff needs exactly two arguments: OLD NEW');
    const [oldSpec, newSpec] = args.positionals as [string, string];
    const contextsFile = optionValue(args, '--contexts');
    const sample = intOf(args, '--sample');
    if (contextsFile !== undefined && sample !== undefined)
      throw new UsageError('use either --contexts or --sample, not both');
    if (sample === 0) throw new UsageError('--sample must be at least 1');
    const seed = intOf(args, '--seed') ?? 1;
    const rawMax = optionValue(args, '--max-impact');
    const maxImpact = rawMax === undefined ? undefined : parsePercent(rawMax);
    const nowMs = clockOf(
      optionValue(args, '--now') ?? io.env.SWITCHYARD_NOW,
      Date.now,
      '--now / SWITCHYARD_NOW',
    );
    const now = () => nowMs;

    const oldSide = await loadFlags(oldSpec, io.cwd);
    const newSide = await loadFlags(newSpec, io.cwd);
    const population =
      contextsFile !== undefined
        ? {
            kind: 'file' as const,
            file: contextsFile,
            contexts: readContexts(contextsFile, io.cwd),
          }
        : {
            kind: 'sample' as const,
            seed,
            contexts: generatePopulation(sample ?? DEFAULT_SAMPLE, seed, rulesOf(oldSide, newSide)),
          };
    const diffs = diffFlags(oldSide, newSide, population.contexts, now);
    const exceeded: FlagDiff[] =
      maxImpact === undefined
        ? []
        : diffs.filter((d) => d.impact !== undefined && d.impact.share * 100 > maxImpact);

    const contexts =
      population.kind === 'file'
        ? { source: 'file', file: population.file, count: population.contexts.length }
        : { source: 'sample', seed: population.seed, count: population.contexts.length };
    if (format === 'json') {
      const report = {
        old: { spec: oldSpec, files: oldSide.files },
        new: { spec: newSpec, files: newSide.files },
        contexts,
        flags: diffs,
        ...(maxImpact === undefined
          ? {}
          : { maxImpact: { thresholdPercent: maxImpact, exceeded: exceeded.map((d) => d.label) } }),
      };
      io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    } else {
      io.stdout.write(formatDiffText({ oldSpec, newSpec, contexts, diffs, maxImpact, exceeded }));
    }
    return exceeded.length > 0 ? EXIT_PROBLEMS : EXIT_OK;
  });
}
