// Loads one side of a diff (or the flags of eval): files, directories or `REV:path`, parsed in
// strict mode and merged as the daemon merges sources (later wins per flag set and key).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { engine } from '../engine.js';
import type { FlagDefinition } from '../engine-types.js';
import { InvalidFlagsError } from '../errors/invalid-flags-error.js';
import { readRevision, splitRevision } from '../git/revision.js';
import { expandPaths, readText } from './files.js';
import { flagId } from './flag-id.js';

export interface LoadedFlags {
  /** What the user passed, for messages. */
  readonly spec: string;
  readonly files: readonly string[];
  /** Keyed by flagId (`flagSetId \0 key`), in first-seen order; later definitions win. */
  readonly flags: ReadonlyMap<string, FlagDefinition>;
}

/**
 * `strict` (validate, diff): any error rejects the side. `served`: what the daemon serves
 * (strict, with targeting errors isolated: a flag whose rule cannot compile stays and evaluates
 * to PARSE_ERROR, docs/adr/0002), for eval.
 */
export type LoadMode = 'strict' | 'served';

export async function loadFlags(
  spec: string,
  cwd: string,
  mode: LoadMode = 'strict',
): Promise<LoadedFlags> {
  let sources: { display: string; text: string }[];
  const onDisk = existsSync(resolve(cwd, spec));
  if (!onDisk && splitRevision(spec) !== undefined) {
    sources = await readRevision(cwd, spec);
  } else {
    sources = expandPaths([spec], cwd).map((f) => ({ display: f.display, text: readText(f) }));
  }
  const flags = new Map<string, FlagDefinition>();
  for (const source of sources) {
    const result = engine.parseFlags(source.text, {
      source: source.display,
      ...(mode === 'served' ? { targetingErrors: 'isolate' as const } : {}),
    });
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
