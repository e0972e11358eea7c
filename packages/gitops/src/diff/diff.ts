// `switchyard diff OLD NEW`: what changed per flag and how many contexts
// change variant; `--max-impact` fails (exit 1) when a changed flag moves too many of them.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '@switchyard/core';
import { commandNow } from '../cli/clock.js';
import { type CliIo, EXIT_OK, EXIT_PROBLEMS } from '../cli/io.js';
import { type Command, HELP_OPTION, NOW_OPTION, runCommand } from '../cli/command.js';
import { formatOf, intOf, optionValue } from '../cli/option-values.js';
import type { CommandSpec, ParsedArgs } from '../cli/parse-args.js';
import type { EvaluationContext } from '../engine-types.js';
import { InputError } from '../errors/input-error.js';
import { flagId } from '../flags/flag-id.js';
import { type LoadedFlags, loadFlags } from '../flags/flag-sets.js';
import { incidentIn } from '../set/incident.js';
import { diffFlags, type FlagDiff, rulesOf } from './diff-model.js';
import { type DiffTextInput, formatDiffText } from './diff-text.js';
import { generatePopulation } from './population.js';

export const DIFF_USAGE = `Usage: switchyard diff OLD NEW [options]

Compares two flag configurations. OLD and NEW are files, directories or git revisions
(REV:path, e.g. origin/main:flags). Prints per changed flag what changed and the impact: the
share of contexts whose variant changes and the from → to matrix.

Options:
  --contexts FILE.ndjson   evaluate these contexts (one JSON object per line)
  --sample N               evaluate N generated contexts (default 10000)
  --seed N                 seed of the generated population (default 1)
  --max-impact P%          exit 1 when a flag changes the variant of more than P% of contexts
                           (a flag whose new metadata has an "incident" reason is let through, named)
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

const DIFF_SPEC: CommandSpec = {
  name: 'diff',
  repeated: 'refused',
  options: [
    { name: 'contexts', type: 'string', arg: 'FILE.ndjson' },
    { name: 'sample', type: 'int', arg: 'N' },
    { name: 'seed', type: 'int', arg: 'N' },
    { name: 'max-impact', type: 'string', arg: 'P%' },
    { name: 'format', type: 'string', arg: 'text|json' },
    NOW_OPTION,
    HELP_OPTION,
  ],
};

/** Where the contexts of a diff come from: `--contexts FILE`, else `--sample N --seed S`. */
type PopulationSpec =
  | { readonly source: 'file'; readonly file: string }
  | { readonly source: 'sample'; readonly seed: number; readonly size: number };

/** Checked before any file is read, so a usage error costs no I/O. */
function populationSpec(args: ParsedArgs): PopulationSpec {
  const file = optionValue(args, 'contexts');
  const sample = intOf(args, 'sample');
  if (file !== undefined && sample !== undefined)
    throw new UsageError('use either --contexts or --sample, not both');
  if (sample === 0) throw new UsageError('--sample must be at least 1');
  const seed = intOf(args, 'seed') ?? 1;
  return file !== undefined
    ? { source: 'file', file }
    : { source: 'sample', seed, size: sample ?? DEFAULT_SAMPLE };
}

type Sides = readonly [oldSide: LoadedFlags, newSide: LoadedFlags];

function population(spec: PopulationSpec, cwd: string, [oldSide, newSide]: Sides) {
  if (spec.source === 'file') {
    const contexts = readContexts(spec.file, cwd);
    return {
      contexts,
      described: { source: spec.source, file: spec.file, count: contexts.length },
    };
  }
  const contexts = generatePopulation(spec.size, spec.seed, rulesOf(oldSide, newSide));
  return { contexts, described: { source: spec.source, seed: spec.seed, count: contexts.length } };
}

function jsonReport(input: DiffTextInput, [oldSide, newSide]: Sides): string {
  const report = {
    old: { spec: input.oldSpec, files: oldSide.files },
    new: { spec: input.newSpec, files: newSide.files },
    contexts: input.contexts,
    flags: input.diffs,
    ...(input.maxImpact === undefined
      ? {}
      : {
          maxImpact: {
            thresholdPercent: input.maxImpact,
            exceeded: input.exceeded.map((d) => d.label),
            exempted: input.exempted.map((e) => ({ flag: e.diff.label, incident: e.incident })),
          },
        }),
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}

async function diff(args: ParsedArgs, io: CliIo): Promise<number> {
  const format = formatOf(args, ['text', 'json'] as const, 'text');
  if (args.positionals.length !== 2)
    throw new UsageError('diff needs exactly two arguments: OLD NEW');
  const [oldSpec, newSpec] = args.positionals as [string, string];
  const rawMax = optionValue(args, 'max-impact');
  const maxImpact = rawMax === undefined ? undefined : parsePercent(rawMax);
  const nowMs = commandNow(args, io);
  const spec = populationSpec(args);

  const sides: Sides = [await loadFlags(oldSpec, io.cwd), await loadFlags(newSpec, io.cwd)];
  const { contexts, described } = population(spec, io.cwd, sides);
  const diffs = diffFlags(sides[0], sides[1], { contexts, now: () => nowMs });
  const over: FlagDiff[] =
    maxImpact === undefined
      ? []
      : diffs.filter((d) => d.impact !== undefined && d.impact.share * 100 > maxImpact);
  const exempted = over.flatMap((diff) => {
    const flag = sides[1].flags.get(flagId({ key: diff.key, flagSetId: diff.flagSetId }));
    const incident = flag === undefined ? undefined : incidentIn(flag.metadata);
    return incident === undefined ? [] : [{ diff, incident }];
  });
  const exceeded = over.filter((d) => !exempted.some((e) => e.diff === d));
  const input = {
    oldSpec,
    newSpec,
    contexts: described,
    diffs,
    maxImpact,
    exceeded,
    exempted,
  };
  io.stdout.write(format === 'json' ? jsonReport(input, sides) : formatDiffText(input));
  return exceeded.length > 0 ? EXIT_PROBLEMS : EXIT_OK;
}

const DIFF_COMMAND: Command = { spec: DIFF_SPEC, usage: DIFF_USAGE, run: diff };

export function runDiff(argv: readonly string[], io: CliIo): Promise<number> {
  return runCommand(DIFF_COMMAND, argv, io);
}
