// Text → JSON value. JSON goes through JSON.parse (fast); on failure the iterative scanner
// finds the line and column. YAML goes through `yaml` (core schema, unique keys), whose
// errors carry positions.
import { LineCounter, parseDocument } from 'yaml';
import { scanJson } from '../internal/json-scan.js';
import { lineIndex } from '../internal/positions.js';
import type { JsonValue } from '../types.js';

export type DocumentFormat = 'json' | 'yaml';

export interface SyntaxProblem {
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
}

export function detectFormat(
  text: string,
  format: 'json' | 'yaml' | 'auto' | undefined,
  source: string | undefined,
): DocumentFormat {
  if (format === 'json' || format === 'yaml') return format;
  const lower = source?.toLowerCase();
  if (lower !== undefined) {
    if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return 'yaml';
    if (lower.endsWith('.json')) return 'json';
  }
  // Sniff: a JSON document starts with `{` or `[` (after whitespace or a BOM); YAML may too,
  // but YAML flow style at the top is rare and JSON is what flagd sources normally carry.
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 0xfeff) continue;
    return c === 123 || c === 91 ? 'json' : 'yaml';
  }
  return 'json';
}

export function readDocument(
  text: string,
  format: DocumentFormat,
): { value: JsonValue } | { problem: SyntaxProblem } {
  const body = text.charCodeAt(0) === 0xfeff ? ` ${text.slice(1)}` : text;
  return format === 'json' ? readJson(body) : readYaml(body);
}

function readJson(text: string): { value: JsonValue } | { problem: SyntaxProblem } {
  try {
    return { value: JSON.parse(text) as JsonValue };
  } catch (error) {
    const found = scanJson(text);
    if (found === undefined) {
      return { problem: { message: `invalid JSON: ${(error as Error).message}` } };
    }
    const { line, column } = lineIndex(text)(found.offset);
    return { problem: { message: `invalid JSON: ${found.message}`, line, column } };
  }
}

function readYaml(text: string): { value: JsonValue } | { problem: SyntaxProblem } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const first = doc.errors[0];
  if (first !== undefined) {
    const pos = lineCounter.linePos(first.pos[0]);
    return {
      problem: { message: `invalid YAML: ${first.message}`, line: pos.line, column: pos.col },
    };
  }
  // maxAliasCount bounds alias expansion ("billion laughs"); toJS stringifies non-string keys.
  const value = doc.toJS({ maxAliasCount: 100 }) as JsonValue | undefined;
  return { value: value === undefined ? null : value };
}
