// Loads one side of a diff (or the flags of eval): files, directories or `REV:path`, parsed in
// strict mode and merged as the daemon merges sources (later wins per flag set and key).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError } from './cli-io.js';
import { engine } from './engine.js';
import type { Diagnostic, FlagDefinition } from './engine-types.js';
import { expandPaths, readText } from './files.js';
import { readRevision, splitRevision } from './git.js';

export interface LoadedFlags {
  /** What the user passed, for messages. */
  readonly spec: string;
  readonly files: readonly string[];
  /** Keyed by `flagSetId \0 key`, in first-seen order; later definitions win. */
  readonly flags: ReadonlyMap<string, FlagDefinition>;
}

export function flagId(flag: FlagDefinition): string {
  return `${flag.flagSetId ?? ''}\u0000${flag.key}`;
}

/** `key`, or `key (set "id")` when the flag belongs to a flag set. */
export function flagLabel(flag: FlagDefinition): string {
  return flag.flagSetId === undefined ? flag.key : `${flag.key} (set "${flag.flagSetId}")`;
}

/** Thrown when a side does not parse; carries core's diagnostics for the report. */
export class InvalidFlagsError extends InputError {
  constructor(
    readonly spec: string,
    readonly diagnostics: readonly Diagnostic[],
  ) {
    super(
      `${spec} is not a valid flag configuration:\n${diagnostics
        .filter((d) => d.severity === 'error')
        .map((d) => `  ${engine.formatDiagnostic(d)}`)
        .join('\n')}`,
    );
  }
}

export async function loadFlags(spec: string, cwd: string): Promise<LoadedFlags> {
  let sources: { display: string; text: string }[];
  const onDisk = existsSync(resolve(cwd, spec));
  if (!onDisk && splitRevision(spec) !== undefined) {
    sources = await readRevision(cwd, spec);
  } else {
    sources = expandPaths([spec], cwd).map((f) => ({ display: f.display, text: readText(f) }));
  }
  const flags = new Map<string, FlagDefinition>();
  for (const source of sources) {
    const result = engine.parseFlags(source.text, { source: source.display, mode: 'strict' });
    if (!result.ok || result.configuration === undefined)
      throw new InvalidFlagsError(source.display, result.diagnostics);
    for (const flag of result.configuration.flags) {
      const id = flagId(flag);
      flags.delete(id);
      flags.set(id, flag);
    }
  }
  return { spec, files: sources.map((s) => s.display), flags };
}
