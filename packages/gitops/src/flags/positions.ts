// Source positions of JSON paths in a flag document (JSON or YAML), so lifecycle findings point
// at the flag key or the offending value as `file:line:col`. The `yaml` parser reads JSON too
// (JSON is YAML 1.2 flow syntax) and keeps node ranges, so one walker serves both formats.
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';

export type PathSegment = string | number;
export interface Position {
  readonly line: number;
  readonly column: number;
}

/** Locates the key (`'key'`) or the value (`'value'`) at a path; undefined when not found. */
export type Locator = (
  path: readonly PathSegment[],
  target?: 'key' | 'value',
) => Position | undefined;

const NOWHERE: Locator = () => undefined;

export function createLocator(text: string): Locator {
  let doc: ReturnType<typeof parseDocument>;
  const counter = new LineCounter();
  try {
    doc = parseDocument(text, { lineCounter: counter, uniqueKeys: false, keepSourceTokens: false });
  } catch {
    return NOWHERE;
  }
  const at = (offset: number | undefined): Position | undefined => {
    if (offset === undefined) return undefined;
    const { line, col } = counter.linePos(offset);
    return { line, column: col };
  };
  return (path, target = 'value') => {
    let node: unknown = doc.contents;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i] as PathSegment;
      const last = i === path.length - 1;
      if (isMap(node)) {
        // The last pair with that key: later duplicates win, as in JSON.parse.
        let found: { key: unknown; value: unknown } | undefined;
        for (const pair of node.items) {
          const k = isScalar(pair.key) ? pair.key.value : pair.key;
          if (String(k) === String(seg)) found = pair;
        }
        if (found === undefined) return undefined;
        if (last && target === 'key') return at(rangeStart(found.key));
        node = found.value;
      } else if (isSeq(node) && typeof seg === 'number') {
        node = node.items[seg];
      } else {
        return undefined;
      }
    }
    return at(rangeStart(node));
  };
}

function rangeStart(node: unknown): number | undefined {
  if (typeof node !== 'object' || node === null) return undefined;
  const range = (node as { range?: readonly number[] | null }).range;
  return range?.[0];
}
