// A small iterative JSON scanner over the source text. It exists because JSON.parse (Node 20)
// reports no position for most syntax errors, and because diagnostics for valid documents need
// the offset of a value by JSON path. Iterative (an explicit stack), so nesting depth never
// overflows the call stack.
import type { PathSegment } from './paths.js';

export interface JsonSyntaxError {
  readonly offset: number;
  readonly message: string;
}

/** A trie of wanted paths; `offset` is filled when the scanner meets the value. */
export interface PathTrie {
  readonly children: Map<PathSegment, PathTrie>;
  offset?: number;
}

export function newTrie(): PathTrie {
  return { children: new Map() };
}

export function addPath(root: PathTrie, path: readonly PathSegment[]): void {
  let node = root;
  for (const segment of path) {
    let next = node.children.get(segment);
    if (next === undefined) {
      next = newTrie();
      node.children.set(segment, next);
    }
    node = next;
  }
}

interface Frame {
  readonly array: boolean;
  index: number;
  readonly node: PathTrie | undefined;
}

/** Scans `text`; returns the first syntax error, and records offsets of the trie's paths. */
export function scanJson(text: string, trie?: PathTrie): JsonSyntaxError | undefined {
  const n = text.length;
  let i = 0;
  const stack: Frame[] = [];
  let pending: PathTrie | undefined = trie;
  let expectValue = true;

  const ws = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 10 || c === 13 || c === 9) i++;
      else break;
    }
  };
  const fail = (message: string): JsonSyntaxError => ({ offset: Math.min(i, n), message });

  // Reads a string starting at text[i] === '"'; returns its decoded value or an error.
  const readString = (): string | JsonSyntaxError => {
    const start = i;
    i++;
    let escaped = false;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        const raw = text.slice(start, i);
        return escaped ? (JSON.parse(raw) as string) : raw.slice(1, -1);
      }
      if (c === 92) {
        escaped = true;
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
            return fail('Bad unicode escape in string');
          }
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) {
          i += 2;
        } else {
          i++;
          return fail('Bad escape sequence in string');
        }
      } else if (c < 0x20) {
        return fail('Bad control character in string (unterminated string?)');
      } else {
        i++;
      }
    }
    return { offset: start, message: 'Unterminated string' };
  };

  // After '{' or ',' in an object: reads `"key" :` and selects the member's trie node.
  const readMember = (frame: Frame): JsonSyntaxError | undefined => {
    ws();
    if (i >= n) return fail('Unexpected end of input: expected a property name');
    if (text[i] !== '"') {
      return fail(
        text[i] === '}' ? 'Trailing comma before }' : 'Expected a double-quoted property name',
      );
    }
    const key = readString();
    if (typeof key !== 'string') return key;
    ws();
    if (i >= n) return fail("Unexpected end of input: expected ':' after property name");
    if (text[i] !== ':') return fail("Expected ':' after property name");
    i++;
    pending = frame.node?.children.get(key);
    return undefined;
  };

  for (;;) {
    ws();
    if (expectValue) {
      if (i >= n) return fail('Unexpected end of input: expected a value');
      if (pending !== undefined) pending.offset = i;
      const c = text[i] as string;
      if (c === '{' || c === '[') {
        const frame: Frame = { array: c === '[', index: 0, node: pending };
        stack.push(frame);
        i++;
        ws();
        if (text[i] === (frame.array ? ']' : '}')) {
          i++;
          stack.pop();
          expectValue = false;
        } else if (frame.array) {
          pending = frame.node?.children.get(0);
        } else {
          const error = readMember(frame);
          if (error) return error;
        }
        continue;
      }
      if (c === '"') {
        const s = readString();
        if (typeof s !== 'string') return s;
      } else if (c === 't' || c === 'f' || c === 'n') {
        const word = c === 't' ? 'true' : c === 'f' ? 'false' : 'null';
        if (text.slice(i, i + word.length) !== word) {
          return fail(`Invalid literal: expected ${word}`);
        }
        i += word.length;
      } else if (c === '-' || (c >= '0' && c <= '9')) {
        const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
        if (m === null) return fail('Invalid number');
        i += m[0].length;
      } else {
        return fail(
          c === '}' || c === ']'
            ? `Unexpected '${c}': expected a value`
            : `Unexpected token '${c}'`,
        );
      }
      expectValue = false;
      continue;
    }
    const frame = stack[stack.length - 1];
    if (frame === undefined) {
      return i < n ? fail('Unexpected content after the end of the document') : undefined;
    }
    if (i >= n) {
      return fail(`Unexpected end of input: unclosed ${frame.array ? 'array' : 'object'}`);
    }
    const c = text[i];
    if (c === ',') {
      i++;
      if (frame.array) {
        frame.index++;
        pending = frame.node?.children.get(frame.index);
        ws();
        if (text[i] === ']') return fail('Trailing comma before ]');
      } else {
        const error = readMember(frame);
        if (error) return error;
      }
      expectValue = true;
    } else if (c === (frame.array ? ']' : '}')) {
      i++;
      stack.pop();
    } else {
      return fail(
        frame.array
          ? "Expected ',' or ']' after an array element"
          : "Expected ',' or '}' after a property value",
      );
    }
  }
}
