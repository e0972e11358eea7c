// Which flag keys source code refers to (`switchyard stale --code DIR`). Two kinds of evidence:
// an OpenFeature evaluation call whose flag-key argument is a string literal (`call`: file:line
// of the call), and the key as any other string literal (`literal`: a constant passed to a call,
// a key in a table). A flag with neither is unreferenced. The call names are those of the
// OpenFeature SDKs of each language (https://openfeature.dev/docs/reference/technologies/).
// Bounded: files over 2 MB, generated and dependency folders and more than 200,000 files are
// skipped; string literals longer than 256 characters are no flag keys.
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { displayPath } from '../flags/files.js';

export interface CodeReference {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly kind: 'call' | 'literal';
}

interface Language {
  /** Evaluation methods whose flag key is a positional argument. */
  readonly calls: readonly string[];
  /** Index of the flag-key argument (Go passes a context first). */
  readonly keyArgument: number;
}

const TYPES = ['Boolean', 'String', 'Number', 'Integer', 'Double', 'Float', 'Object'];
const camel = (prefix: string, suffixes: readonly string[]) =>
  TYPES.flatMap((t) => suffixes.map((s) => `${prefix}${t}${s}`));
const snake = (prefix: string, types: readonly string[], suffixes: readonly string[]) =>
  types.flatMap((t) => suffixes.map((s) => `${prefix}${t}${s}`));

const JS: Language = {
  calls: [
    ...camel('get', ['Value', 'Details']),
    ...camel('use', ['FlagValue', 'FlagDetails']),
    'useFlag',
    'useSuspenseFlag',
  ],
  keyArgument: 0,
};
const JVM: Language = { calls: camel('get', ['Value', 'Details']), keyArgument: 0 };
const GO: Language = {
  calls: [
    ...['Boolean', 'String', 'Float', 'Int', 'Object'].flatMap((t) => [
      t,
      `${t}Value`,
      `${t}ValueDetails`,
    ]),
  ],
  keyArgument: 1,
};
const PYTHON: Language = {
  calls: snake('get_', ['boolean', 'string', 'integer', 'float', 'object'], ['_value', '_details']),
  keyArgument: 0,
};
const DOTNET: Language = { calls: camel('Get', ['ValueAsync', 'DetailsAsync']), keyArgument: 0 };
const RUBY: Language = {
  calls: snake(
    'fetch_',
    ['boolean', 'string', 'number', 'integer', 'float', 'object'],
    ['_value', '_details'],
  ),
  keyArgument: 0,
};
const RUST: Language = {
  calls: snake('get_', ['bool', 'string', 'int', 'float', 'struct'], ['_value', '_details']),
  keyArgument: 0,
};

const LANGUAGES: Readonly<Record<string, Language>> = {
  '.ts': JS,
  '.tsx': JS,
  '.mts': JS,
  '.cts': JS,
  '.js': JS,
  '.jsx': JS,
  '.mjs': JS,
  '.cjs': JS,
  '.go': GO,
  '.java': JVM,
  '.kt': JVM,
  '.kts': JVM,
  '.php': JVM,
  '.swift': JVM,
  '.py': PYTHON,
  '.cs': DOTNET,
  '.rb': RUBY,
  '.rs': RUST,
};

export const CODE_EXTENSIONS = Object.keys(LANGUAGES);

const SKIP_DIRS = new Set([
  'node_modules',
  '.git',
  'vendor',
  'dist',
  'build',
  'target',
  '.venv',
  'venv',
  '__pycache__',
  '.next',
  'coverage',
  'Pods',
  'bin',
  'obj',
]);
const MAX_FILE_BYTES = 2 * 1024 * 1024;
const MAX_FILES = 200_000;

/** A string literal in any of the languages: "…", '…' or `…` (no interpolation), one line. */
const LITERAL = /"((?:[^"\\\n]|\\.){1,256})"|'((?:[^'\\\n]|\\.){1,256})'|`([^`\\\n$]{1,256})`/g;
/** A keyword flag-key argument: Ruby `flag_key: "x"`, Swift `key: "x"`, Python `flag_key="x"`. */
const KEYWORD = /^\s*(?:flag_key|flagKey|key)\s*[:=]\s*/;

function callPattern(language: Language): RegExp {
  return new RegExp(`\\b(?:${language.calls.join('|')})\\s*(?:<[^>()]{0,80}>)?\\s*\\(`, 'g');
}
const PATTERNS = new Map<Language, RegExp>();

/** Line and column (1-based) of every offset, from the line starts. */
function positionOf(starts: readonly number[], offset: number) {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] as number) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - (starts[lo] as number) + 1 };
}

/** The string literal that is argument `index` of a call whose `(` ends at `from`. */
function keyArgument(text: string, from: number, index: number): string | undefined {
  const args = text.slice(from, from + 400);
  const keyword = /(?:flag_key|flagKey|\bkey)\s*[:=]\s*(["'`])([^"'`\n]{1,256})\1/.exec(args);
  let depth = 0;
  let start = 0;
  let arg = 0;
  for (let i = 0; i <= args.length; i++) {
    const ch = args[i];
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if ((ch === ')' || ch === ']' || ch === '}') && depth > 0) depth--;
    else if ((ch === ',' || ch === ')' || ch === undefined) && depth === 0) {
      if (arg === index) {
        const literal = /^\s*(["'`])([^"'`\n]{1,256})\1\s*$/.exec(
          args.slice(start, i).replace(KEYWORD, ''),
        );
        return literal?.[2] ?? keyword?.[2];
      }
      if (ch !== ',') break;
      arg++;
      start = i + 1;
    }
  }
  return keyword?.[2];
}

function scanText(text: string, language: Language, keys: ReadonlySet<string>) {
  const found: { key: string; offset: number; kind: 'call' | 'literal' }[] = [];
  let pattern = PATTERNS.get(language);
  if (pattern === undefined) {
    pattern = callPattern(language);
    PATTERNS.set(language, pattern);
  }
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    const key = keyArgument(text, m.index + m[0].length, language.keyArgument);
    if (key !== undefined && keys.has(key)) found.push({ key, offset: m.index, kind: 'call' });
  }
  LITERAL.lastIndex = 0;
  for (let m = LITERAL.exec(text); m !== null; m = LITERAL.exec(text)) {
    const key = m[1] ?? m[2] ?? m[3];
    if (key !== undefined && keys.has(key)) found.push({ key, offset: m.index, kind: 'literal' });
  }
  return found;
}

async function walk(dir: string, out: string[]): Promise<void> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return; // an unreadable folder holds no evidence
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (out.length >= MAX_FILES) return;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) await walk(full, out);
    } else if (entry.isFile() && Object.hasOwn(LANGUAGES, extname(entry.name))) {
      out.push(full);
    }
  }
}

/** Calls first; a literal on the line of a call to the same key is that call's argument. */
function withoutRepeats(list: readonly CodeReference[]): CodeReference[] {
  const calls = new Set(list.filter((r) => r.kind === 'call').map((r) => `${r.file}:${r.line}`));
  return [
    ...list.filter((r) => r.kind === 'call'),
    ...list.filter((r) => r.kind === 'literal' && !calls.has(`${r.file}:${r.line}`)),
  ];
}

/**
 * References to `keys` in the source files under `dirs`, per key, calls first. `cwd` makes the
 * reported paths relative.
 */
export async function findCodeReferences(
  dirs: readonly string[],
  keys: ReadonlySet<string>,
  cwd: string,
): Promise<Map<string, CodeReference[]>> {
  const files: string[] = [];
  for (const dir of dirs) await walk(dir, files);
  const refs = new Map<string, CodeReference[]>();
  for (const file of files) {
    const size = (await stat(file)).size;
    if (size > MAX_FILE_BYTES) continue;
    const text = await readFile(file, 'utf8');
    const found = scanText(text, LANGUAGES[extname(file)] as Language, keys);
    if (found.length === 0) continue;
    const starts = [0];
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    for (const f of found) {
      const list = refs.get(f.key) ?? [];
      list.push({ file: displayPath(cwd, file), kind: f.kind, ...positionOf(starts, f.offset) });
      refs.set(f.key, list);
    }
  }
  for (const [key, list] of refs) refs.set(key, withoutRepeats(list));
  return refs;
}
