// The last parse stage: every accepted flag becomes a frozen FlagDefinition with its content
// hash, carrying its compiled rule (or, when unusable, its error).
import { attachRule } from '../internal/compiled.js';
import { contentHashFreezing } from '../internal/hash.js';
import type { Diagnostic, FlagConfiguration, FlagDefinition, JsonValue } from '../types.js';
import type { FlagDraft } from './flag.js';
import type { ParseRun } from './parse-run.js';
import type { Problem } from './problems.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export function buildConfiguration(
  run: ParseRun,
  byProblem: ReadonlyMap<Problem, Diagnostic>,
): FlagConfiguration {
  const flags: FlagDefinition[] = new Array(run.drafts.length);
  const hashed: (JsonValue | undefined)[] = new Array(8);
  for (let i = 0; i < run.drafts.length; i++) {
    flags[i] = define(run.drafts[i] as FlagDraft, { byProblem, hashed });
  }
  return Object.freeze({
    flags: Object.freeze(flags),
    metadata: Object.freeze(run.setMetadata),
    ...(run.file === undefined ? {} : { source: run.file }),
  });
}

function define(
  d: FlagDraft,
  {
    byProblem,
    hashed,
  }: { byProblem: ReadonlyMap<Problem, Diagnostic>; hashed: (JsonValue | undefined)[] },
): FlagDefinition {
  const problem = d.error ?? d.targetingError;
  const error = problem === undefined ? undefined : byProblem.get(problem);
  const variants = d.variants as Readonly<Record<string, JsonValue>>;
  // One walk hashes the flag's content and deep-freezes variants, targeting and metadata (one
  // scratch array for every flag).
  hashed[0] = d.key;
  hashed[1] = d.state;
  hashed[2] = variants;
  hashed[3] = d.defaultVariant ?? null;
  hashed[4] = d.targeting ?? null;
  hashed[5] = d.metadata;
  hashed[6] = d.flagSetId ?? null;
  hashed[7] = error?.code ?? null;
  const def: Mutable<FlagDefinition> = {
    key: d.key,
    state: d.state,
    variants,
    defaultVariant: d.defaultVariant,
    targeting: d.targeting,
    metadata: d.metadata,
    flagSetId: d.flagSetId,
    contentHash: contentHashFreezing(hashed),
  };
  // Only an unusable flag has `error` (absent, not undefined: definitions compare as data).
  if (error !== undefined) def.error = error;
  else if (d.rule !== undefined) attachRule(def, d.rule);
  return Object.freeze(def);
}
