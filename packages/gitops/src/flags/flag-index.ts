// Where each flag of a flag file is defined, without validating the file: its key, flag set, the
// line and column of its key, its document path and its raw definition. The daemon's console
// shows file:line for served flags (a file served with a rule error still has positions), `set`
// finds the file that defines a flag, `stale` points at it. The `yaml` parser reads JSON too and
// keeps node ranges, so one walk serves both formats.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type YAMLMap } from 'yaml';
import type { PathSegment } from './positions.js';

export interface IndexedFlag {
  readonly key: string;
  /** The flag's `metadata.flagSetId`, else the document's. */
  readonly flagSetId: string | undefined;
  /** 1-based position of the flag's key (object form) or of its item (array form). */
  readonly line: number;
  readonly column: number;
  /** `['flags', key]` or `['flags', index]`. */
  readonly path: readonly PathSegment[];
  /** The definition as written (no `$ref` resolved); undefined when it is not an object. */
  readonly raw: Readonly<Record<string, unknown>> | undefined;
}

const asRecord = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;

function pairValue(map: YAMLMap, name: string): unknown {
  let found: unknown;
  for (const pair of map.items) {
    const k = isScalar(pair.key) ? pair.key.value : pair.key;
    if (String(k) === name) found = pair.value; // the last one wins, as in JSON.parse
  }
  return found;
}

function setIdOf(raw: Record<string, unknown> | undefined, fallback: string | undefined) {
  const own = asRecord(raw?.metadata)?.flagSetId;
  return typeof own === 'string' && own !== '' ? own : fallback;
}

/** Every flag definition of a flag file's text; empty when it does not parse at all. */
export function indexFlags(text: string): IndexedFlag[] {
  const counter = new LineCounter();
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(text, { lineCounter: counter, uniqueKeys: false });
  } catch {
    return [];
  }
  if (!isMap(doc.contents)) return [];
  const docSet = asRecord(asRecord(doc.toJS({ maxAliasCount: 100 }))?.metadata)?.flagSetId;
  const fallback = typeof docSet === 'string' && docSet !== '' ? docSet : undefined;
  const at = (node: unknown) => {
    const offset = (node as { range?: readonly number[] } | null)?.range?.[0] ?? 0;
    const { line, col } = counter.linePos(offset);
    return { line, column: col };
  };
  const flags = pairValue(doc.contents, 'flags');
  const out: IndexedFlag[] = [];
  if (isMap(flags)) {
    for (const pair of flags.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key === undefined) continue;
      const raw = asRecord(isMap(pair.value) ? pair.value.toJSON() : undefined);
      out.push({
        key,
        flagSetId: setIdOf(raw, fallback),
        ...at(pair.key),
        path: ['flags', key],
        raw,
      });
    }
  } else if (isSeq(flags)) {
    flags.items.forEach((item, index) => {
      const raw = asRecord(isMap(item) ? item.toJSON() : undefined);
      if (typeof raw?.key !== 'string') return;
      out.push({
        key: raw.key,
        flagSetId: setIdOf(raw, fallback),
        ...at(item),
        path: ['flags', index],
        raw,
      });
    });
  }
  return out;
}
