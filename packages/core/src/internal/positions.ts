// Line and column of values by JSON path. Computed lazily: only when a document has
// diagnostics, once per document. JSON text goes through the iterative scanner; YAML text
// through `yaml`'s parser, whose nodes carry source ranges. When a path does not exist in the
// text (a value that came from a `$ref`, or a missing property) the nearest ancestor is used.
import { LineCounter, parseDocument } from 'yaml';
import { addPath, newTrie, scanJson } from './json-scan.js';
import type { PathSegment } from './paths.js';

export interface Position {
  readonly line: number;
  readonly column: number;
}

/** Converts offsets into 1-based line/column (column in UTF-16 units). */
export function lineIndex(text: string): (offset: number) => Position {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (starts[lo] as number) + 1 };
  };
}

export function locatePaths(
  text: string,
  format: 'json' | 'yaml',
  paths: readonly (readonly PathSegment[])[],
): (Position | undefined)[] {
  try {
    return format === 'json' ? locateJson(text, paths) : locateYaml(text, paths);
  } catch {
    // Positions are a courtesy; a failure to find them never hides the diagnostic itself.
    return paths.map(() => undefined);
  }
}

function locateJson(text: string, paths: readonly (readonly PathSegment[])[]) {
  const root = newTrie();
  for (const path of paths) addPath(root, path);
  scanJson(text, root);
  const toPosition = lineIndex(text);
  return paths.map((path) => {
    let node = root;
    let offset = node.offset;
    for (const segment of path) {
      const next = node.children.get(segment);
      if (next === undefined || next.offset === undefined) break;
      node = next;
      offset = node.offset;
    }
    return offset === undefined ? undefined : toPosition(offset);
  });
}

function locateYaml(text: string, paths: readonly (readonly PathSegment[])[]) {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, keepSourceTokens: false });
  return paths.map((path) => {
    for (let length = path.length; length >= 0; length--) {
      const node =
        length === 0 ? doc.contents : doc.getIn(path.slice(0, length) as PathSegment[], true);
      const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
      if (range) {
        const { line, col } = lineCounter.linePos(range[0]);
        return { line, column: col };
      }
    }
    return undefined;
  });
}
