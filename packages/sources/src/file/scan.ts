// One look at a file source: locate its entries, read and parse each, and say what each entry
// is now. The entry table turns a series of these into what the source serves.
import type { SourceProblem } from '../flag-source.js';
import type { ParseCache } from '../parse-document.js';
import { contentKey, invalidProblem } from '../parse-document.js';
import type { EntryOutcome, ScanOutcome } from './entry-table.js';
import { faultProblem } from './entry-table.js';
import type { Located, LocatedEntry } from './locate.js';
import { readEntry } from './read-entry.js';

export interface Scan extends ScanOutcome {
  readonly located: Located;
  /** False when something changed under the scan: look again after the quiet period. */
  readonly stable: boolean;
}

function readOne(entry: LocatedEntry, cache: ParseCache, maxBytes: number): EntryOutcome {
  const { name, display, target } = entry;
  if ('fault' in target) {
    return {
      name,
      display,
      result: { problem: faultProblem(display, target.fault) },
      stable: true,
    };
  }
  const read = readEntry(target.path, target.stats, maxBytes);
  if (!read.ok) {
    const where = target.linked && read.fault.code === 'NOT_REGULAR' ? ` at ${target.path}` : '';
    const fault = { ...read.fault, reason: `${read.fault.reason}${where}` };
    return {
      name,
      display,
      result: { problem: faultProblem(display, fault) },
      stable: read.stable,
    };
  }
  const key = contentKey(display, read.text);
  const document = cache.parse(key, read.text, { source: display });
  const result = document.configuration
    ? { key, document }
    : { problem: invalidProblem(display, document.errors) };
  return { name, display, result, stable: read.stable };
}

export interface ScanInput {
  readonly located: Located;
  /** The configured path as messages name it (for problems of the source as a whole). */
  readonly display: string;
  readonly cache: ParseCache;
  readonly maxBytes: number;
}

export function scanLocated({ located, display, cache, maxBytes }: ScanInput): Scan {
  const rootProblem: SourceProblem | undefined =
    located.rootFault === undefined ? undefined : faultProblem(display, located.rootFault);
  const entries = located.entries.map((entry) => readOne(entry, cache, maxBytes));
  cache.endScan();
  const stable = located.stable && entries.every((e) => e.stable);
  return { located, rootProblem, entries, stable };
}
