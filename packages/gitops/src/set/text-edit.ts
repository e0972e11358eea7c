// Minimal edits of a flag file's text (JSON or YAML): replace one scalar, insert one pair, remove
// one pair, each touching only the bytes it must, so comments, key order, indentation, quoting
// style and line endings stay as they were. Positions come from the `yaml` parser's node ranges
// (it reads JSON as YAML flow syntax). Every edit returns the new text; the caller re-parses and
// checks the result (set.ts), so an edit that went wrong is refused, never written.
import {
  isMap,
  isPair,
  isScalar,
  isSeq,
  type Node,
  type Pair,
  parseDocument,
  type Scalar,
  type YAMLMap,
} from 'yaml';
import type { PathSegment } from '../flags/positions.js';

export interface TextDocument {
  readonly text: string;
  readonly json: boolean;
  readonly newline: string;
  readonly root: Node | null;
}

export function openDocument(text: string): TextDocument {
  const doc = parseDocument(text, { uniqueKeys: false, keepSourceTokens: false });
  const json = text.trimStart().startsWith('{');
  return { text, json, newline: text.includes('\r\n') ? '\r\n' : '\n', root: doc.contents };
}

const keyName = (pair: Pair) => String(isScalar(pair.key) ? pair.key.value : pair.key);

/** The last pair named `name` in a map (later duplicates win, as in JSON.parse). */
export function pairOf(map: YAMLMap, name: string): Pair | undefined {
  let found: Pair | undefined;
  for (const item of map.items) if (isPair(item) && keyName(item) === name) found = item;
  return found;
}

/** The node at a document path (map keys and sequence indexes). */
export function nodeAt(doc: TextDocument, path: readonly PathSegment[]): Node | undefined {
  let node: unknown = doc.root;
  for (const seg of path) {
    if (isMap(node)) node = pairOf(node, String(seg))?.value;
    else if (isSeq(node) && typeof seg === 'number') node = node.items[seg];
    else return undefined;
  }
  return (node ?? undefined) as Node | undefined;
}

const YAML_WORDS = /^(?:true|false|yes|no|on|off|y|n|null|~)$/i;
const PLAIN_SAFE = /^[A-Za-z_][A-Za-z0-9_.\-/]*$/;

/**
 * A string as a scalar in the file's style: JSON text everywhere in JSON; in YAML the quoting of
 * the scalar it replaces (`like`), a plain scalar only where YAML 1.1 and 1.2 both read a string.
 */
export function renderString(doc: TextDocument, value: string, like?: Scalar): string {
  if (doc.json) return JSON.stringify(value);
  const type = like?.type;
  if (type === 'QUOTE_SINGLE') return `'${value.replaceAll("'", "''")}'`;
  if (type === 'PLAIN' && PLAIN_SAFE.test(value) && !YAML_WORDS.test(value)) return value;
  return JSON.stringify(value);
}

const splice = (text: string, from: number, to: number, insert: string) =>
  text.slice(0, from) + insert + text.slice(to);

/** Replaces the scalar at `path` with the string `value`; undefined when there is none. */
export function replaceString(
  doc: TextDocument,
  path: readonly PathSegment[],
  value: string,
): string | undefined {
  const node = nodeAt(doc, path);
  if (!isScalar(node) || !node.range) return undefined;
  if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') return undefined;
  const [start, end] = node.range;
  return splice(doc.text, start, end, renderString(doc, value, node));
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** The offset just past the line holding `offset` (its newline included). */
function nextLine(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl === -1 ? text.length : nl + 1;
}

/**
 * Inserts `name: value` (`value` already rendered) into the map at `mapPath`, after its pair
 * `after` (else after its last pair). In a flow map or JSON the pair follows on its own line
 * when the map spans lines; in a block map it gets a line of its own at the same indentation.
 */
export function insertPair(
  doc: TextDocument,
  at: { readonly mapPath: readonly PathSegment[]; readonly after?: string },
  pair: { readonly name: string; readonly value: string },
): string | undefined {
  const map = nodeAt(doc, at.mapPath);
  if (!isMap(map) || map.items.length === 0) return undefined;
  const anchor = (at.after === undefined ? undefined : pairOf(map, at.after)) ?? map.items.at(-1);
  const keyNode = anchor?.key as Node | undefined;
  const valueNode = anchor?.value as Node | undefined;
  if (!keyNode?.range || !valueNode?.range) return undefined;
  const text = doc.text;
  const keyStart = keyNode.range[0];
  const indent = text.slice(lineStart(text, keyStart), keyStart);
  const name = doc.json ? JSON.stringify(pair.name) : pair.name;
  if (doc.json || map.flow) {
    const multiline = /^[ \t]*$/.test(indent);
    const sep = multiline ? `${doc.newline}${indent}` : ' ';
    return splice(text, valueNode.range[1], valueNode.range[1], `,${sep}${name}: ${pair.value}`);
  }
  if (!/^[ \t]*$/.test(indent)) return undefined; // `- key: value` starts a sequence item
  const after = nextLine(text, valueNode.range[1] - 1);
  const line = `${indent}${name}: ${pair.value}${doc.newline}`;
  const before = after === text.length && !text.endsWith('\n') ? doc.newline : '';
  return splice(text, after, after, before + line);
}

/** Removes the pair `name` of the map at `mapPath` (its line in a block map, its comma in JSON). */
export function removePair(
  doc: TextDocument,
  mapPath: readonly PathSegment[],
  name: string,
): string | undefined {
  const map = nodeAt(doc, mapPath);
  if (!isMap(map)) return undefined;
  const pair = pairOf(map, name);
  const index = pair === undefined ? -1 : map.items.indexOf(pair);
  const keyNode = pair?.key as Node | undefined;
  const valueNode = pair?.value as Node | undefined;
  if (!keyNode?.range || !valueNode?.range) return undefined;
  const text = doc.text;
  if (!doc.json && !map.flow) {
    return splice(
      text,
      lineStart(text, keyNode.range[0]),
      nextLine(text, valueNode.range[1] - 1),
      '',
    );
  }
  const previous = map.items[index - 1]?.value as Node | undefined;
  const next = map.items[index + 1]?.key as Node | undefined;
  if (previous?.range) return splice(text, previous.range[1], valueNode.range[1], '');
  if (next?.range) return splice(text, keyNode.range[0], next.range[0], '');
  return splice(text, keyNode.range[0], valueNode.range[1], '');
}
