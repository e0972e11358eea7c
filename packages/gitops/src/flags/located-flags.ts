// The flags of some flag files with where each is defined: core's parsed definition (the daemon's
// parse: `$ref`s resolved, set metadata merged, rule errors isolated) beside the file, line and
// raw text of its definition. `stale` reports from it and `set` finds the file to edit with it.
import { engine } from '../engine.js';
import type { FlagDefinition } from '../engine-types.js';
import { InvalidFlagsError } from '../errors/invalid-flags-error.js';
import { type FlagFile, readText } from './files.js';
import { type IndexedFlag, indexFlags } from './flag-index.js';

export interface LocatedFlag {
  readonly definition: FlagDefinition;
  readonly file: FlagFile;
  readonly text: string;
  readonly at: IndexedFlag;
}

/** Every flag of `files` in file order; a file that does not parse is an INVALID_FLAGS error. */
export function locateFlags(files: readonly FlagFile[]): LocatedFlag[] {
  const out: LocatedFlag[] = [];
  for (const file of files) {
    const text = readText(file);
    const result = engine.parseFlags(text, { source: file.display, targetingErrors: 'isolate' });
    if (!result.ok || result.configuration === undefined)
      throw new InvalidFlagsError(file.display, result.diagnostics);
    const index = indexFlags(text);
    for (const definition of result.configuration.flags) {
      const matches = index.filter(
        (f) => f.key === definition.key && f.flagSetId === definition.flagSetId,
      );
      const at = matches[matches.length - 1] ??
        index.find((f) => f.key === definition.key) ?? {
          key: definition.key,
          flagSetId: definition.flagSetId,
          line: 1,
          column: 1,
          path: ['flags', definition.key],
          raw: undefined,
        };
      out.push({ definition, file, text, at });
    }
  }
  return out;
}
