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
  return new Scanner(text, trie).scan();
}

/**
 * The scanner's state: the position, the stack of open containers and the trie node of the
 * value about to be read. One method per step: a value, a member name, what follows a value.
 */
class Scanner {
  private i = 0;
  private readonly n: number;
  private readonly stack: Frame[] = [];
  private pending: PathTrie | undefined;
  private expectValue = true;

  constructor(
    private readonly text: string,
    trie: PathTrie | undefined,
  ) {
    this.n = text.length;
    this.pending = trie;
  }

  scan(): JsonSyntaxError | undefined {
    for (;;) {
      this.ws();
      if (this.expectValue) {
        const error = this.value();
        if (error !== undefined) return error;
        continue;
      }
      const frame = this.stack[this.stack.length - 1];
      if (frame === undefined) {
        return this.i < this.n
          ? this.fail('Unexpected content after the end of the document')
          : undefined;
      }
      const error = this.afterValue(frame);
      if (error !== undefined) return error;
    }
  }

  private ws(): void {
    const { text, n } = this;
    while (this.i < n) {
      const c = text.charCodeAt(this.i);
      if (c === 32 || c === 10 || c === 13 || c === 9) this.i++;
      else break;
    }
  }

  private fail(message: string): JsonSyntaxError {
    return { offset: Math.min(this.i, this.n), message };
  }

  /** Reads one value, or opens a container (its members are read by later steps). */
  private value(): JsonSyntaxError | undefined {
    const { text } = this;
    if (this.i >= this.n) return this.fail('Unexpected end of input: expected a value');
    if (this.pending !== undefined) this.pending.offset = this.i;
    const c = text[this.i] as string;
    if (c === '{' || c === '[') return this.open(c === '[');
    if (c === '"') {
      const s = this.readString();
      if (typeof s !== 'string') return s;
    } else if (c === 't' || c === 'f' || c === 'n') {
      const word = c === 't' ? 'true' : c === 'f' ? 'false' : 'null';
      if (text.slice(this.i, this.i + word.length) !== word) {
        return this.fail(`Invalid literal: expected ${word}`);
      }
      this.i += word.length;
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(this.i, this.i + 400));
      if (m === null) return this.fail('Invalid number');
      this.i += m[0].length;
    } else {
      return this.fail(
        c === '}' || c === ']' ? `Unexpected '${c}': expected a value` : `Unexpected token '${c}'`,
      );
    }
    this.expectValue = false;
    return undefined;
  }

  private open(array: boolean): JsonSyntaxError | undefined {
    const frame: Frame = { array, index: 0, node: this.pending };
    this.stack.push(frame);
    this.i++;
    this.ws();
    if (this.text[this.i] === (array ? ']' : '}')) {
      this.i++;
      this.stack.pop();
      this.expectValue = false;
      return undefined;
    }
    if (array) {
      this.pending = frame.node?.children.get(0);
      return undefined;
    }
    return this.readMember(frame);
  }

  /** After a value inside a container: `,` and the next element or member, or the close. */
  private afterValue(frame: Frame): JsonSyntaxError | undefined {
    if (this.i >= this.n) {
      return this.fail(`Unexpected end of input: unclosed ${frame.array ? 'array' : 'object'}`);
    }
    const c = this.text[this.i];
    if (c === ',') {
      this.i++;
      this.expectValue = true;
      if (!frame.array) return this.readMember(frame);
      frame.index++;
      this.pending = frame.node?.children.get(frame.index);
      this.ws();
      return this.text[this.i] === ']' ? this.fail('Trailing comma before ]') : undefined;
    }
    if (c === (frame.array ? ']' : '}')) {
      this.i++;
      this.stack.pop();
      return undefined;
    }
    return this.fail(
      frame.array
        ? "Expected ',' or ']' after an array element"
        : "Expected ',' or '}' after a property value",
    );
  }

  /** Reads a string starting at text[i] === '"'; returns its decoded value or an error. */
  private readString(): string | JsonSyntaxError {
    const { text, n } = this;
    const start = this.i;
    this.i++;
    let escaped = false;
    while (this.i < n) {
      const c = text.charCodeAt(this.i);
      if (c === 34) {
        this.i++;
        const raw = text.slice(start, this.i);
        return escaped ? (JSON.parse(raw) as string) : raw.slice(1, -1);
      }
      if (c === 92) {
        escaped = true;
        const error = this.skipEscape();
        if (error !== undefined) return error;
      } else if (c < 0x20) {
        return this.fail('Bad control character in string (unterminated string?)');
      } else {
        this.i++;
      }
    }
    return { offset: start, message: 'Unterminated string' };
  }

  private skipEscape(): JsonSyntaxError | undefined {
    const { text } = this;
    const e = text[this.i + 1];
    if (e === 'u') {
      if (!/^[0-9a-fA-F]{4}$/.test(text.slice(this.i + 2, this.i + 6))) {
        return this.fail('Bad unicode escape in string');
      }
      this.i += 6;
    } else if (e !== undefined && '"\\/bfnrt'.includes(e)) {
      this.i += 2;
    } else {
      this.i++;
      return this.fail('Bad escape sequence in string');
    }
    return undefined;
  }

  /** After '{' or ',' in an object: reads `"key" :` and selects the member's trie node. */
  private readMember(frame: Frame): JsonSyntaxError | undefined {
    const { text } = this;
    this.ws();
    if (this.i >= this.n) return this.fail('Unexpected end of input: expected a property name');
    if (text[this.i] !== '"') {
      return this.fail(
        text[this.i] === '}' ? 'Trailing comma before }' : 'Expected a double-quoted property name',
      );
    }
    const key = this.readString();
    if (typeof key !== 'string') return key;
    this.ws();
    if (this.i >= this.n)
      return this.fail("Unexpected end of input: expected ':' after property name");
    if (text[this.i] !== ':') return this.fail("Expected ':' after property name");
    this.i++;
    this.pending = frame.node?.children.get(key);
    return undefined;
  }
}
