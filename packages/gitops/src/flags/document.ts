// One flag file read for the gitops commands: its text, core's strict parse and a locator that
// finds where each flag (and each of its fields) sits in the text.
import { parse as parseYaml } from 'yaml';
import { engine } from '../engine.js';
import type { FlagDefinition, ParseResult } from '../engine-types.js';
import type { FlagFile } from './files.js';
import { createLocator, type Locator, type PathSegment, type Position } from './positions.js';

export interface FlagDocument {
  readonly file: FlagFile;
  readonly text: string;
  readonly result: ParseResult;
  readonly locate: Locator;
  /** The document path of a flag: `['flags', key]`, or `['flags', index]` in the array form. */
  flagPath(flag: FlagDefinition): PathSegment[];
  /** Where a flag's key, or a field below it, is; falls back to the flag, then to 1:1. */
  position(flag: FlagDefinition, field?: readonly PathSegment[]): Position;
}

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function readFlagDocument(file: FlagFile, text: string): FlagDocument {
  const result = engine.parseFlags(text, { source: file.display });
  const locate = createLocator(text);
  let raw: unknown;
  const rawFlags = (): unknown => {
    if (raw === undefined) {
      try {
        raw = (text.trimStart().startsWith('{') ? JSON.parse(text) : parseYaml(text)) ?? null;
      } catch {
        raw = null;
      }
    }
    return isMap(raw) ? raw.flags : undefined;
  };
  const flagPath = (flag: FlagDefinition): PathSegment[] => {
    const flags = rawFlags();
    if (Array.isArray(flags)) {
      const matches = flags
        .map((f, i) => ({ f, i }))
        .filter(({ f }) => isMap(f) && f.key === flag.key);
      const inSet = matches.find(
        ({ f }) => isMap(f.metadata) && f.metadata.flagSetId === flag.flagSetId,
      );
      return ['flags', (inSet ?? matches[0])?.i ?? 0];
    }
    return ['flags', flag.key];
  };
  const position = (flag: FlagDefinition, field: readonly PathSegment[] = []): Position => {
    const base = flagPath(flag);
    const exact = field.length > 0 ? locate([...base, ...field]) : undefined;
    const keyAt = typeof base[1] === 'number' ? locate([...base, 'key']) : locate(base, 'key');
    return exact ?? keyAt ?? { line: 1, column: 1 };
  };
  return { file, text, result, locate, flagPath, position };
}
