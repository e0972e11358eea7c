// The code blocks of a Markdown file, each with the marker comment that may precede it. A marker
// is an HTML comment on the line just before the fence (blank lines between are allowed):
//
//   <!-- docs-test: skip: why this block cannot run here -->
//   <!-- docs-test: until-ready -->
//
// `skip` keeps a block from running and says why; `until-ready` marks commands that start a
// daemon and run until stopped: each is started, must answer /readyz, and is then stopped.
// Markers are invisible on a rendered page and plain to anyone editing the file.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export type BlockKind = 'shell' | 'program' | 'json' | 'yaml' | 'text';

/** How a block is treated: its fence language decides, a marker can override. */
export type BlockMode =
  | { readonly run: 'execute' }
  | { readonly run: 'until-ready' }
  | { readonly run: 'skip'; readonly reason: string };

export interface CodeBlock {
  /** Repository-relative path of the Markdown file. */
  readonly file: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** The fence's language tag as written (`sh`, `ts`, …), '' when there is none. */
  readonly language: string;
  readonly kind: BlockKind | undefined;
  readonly mode: BlockMode;
  readonly code: string;
}

/** A problem with the Markdown itself: an unterminated fence, a marker with no block, … */
export interface MarkdownProblem {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

const KINDS: Readonly<Record<string, BlockKind>> = {
  sh: 'shell',
  bash: 'shell',
  shell: 'shell',
  ts: 'program',
  typescript: 'program',
  js: 'program',
  javascript: 'program',
  mjs: 'program',
  json: 'json',
  yaml: 'yaml',
  yml: 'yaml',
  text: 'text',
  console: 'text',
  jsonc: 'text',
  diff: 'text',
  proto: 'text',
  mermaid: 'text',
};

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)/;
const MARKER = /^\s*<!--\s*docs-test:\s*(.*?)\s*-->\s*$/;

function parseMarker(text: string): BlockMode | string {
  if (text === 'until-ready') return { run: 'until-ready' };
  const skip = /^skip:\s*(\S.*)$/.exec(text);
  if (skip) return { run: 'skip', reason: skip[1] as string };
  return `unknown docs-test marker "${text}" (use "skip: <reason>" or "until-ready")`;
}

interface Pending {
  readonly mode: BlockMode;
  readonly line: number;
}

/** Splits one Markdown text into code blocks; problems are reported, never thrown. */
export function parseMarkdown(
  file: string,
  text: string,
): { blocks: CodeBlock[]; problems: MarkdownProblem[] } {
  const lines = text.split('\n');
  const blocks: CodeBlock[] = [];
  const problems: MarkdownProblem[] = [];
  let pending: Pending | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const marker = MARKER.exec(line);
    if (marker) {
      if (pending) problems.push({ file, line: pending.line, message: 'marker without a block' });
      const mode = parseMarker(marker[1] as string);
      if (typeof mode === 'string') problems.push({ file, line: i + 1, message: mode });
      else pending = { mode, line: i + 1 };
      continue;
    }
    const fence = FENCE.exec(line);
    if (!fence) {
      if (pending && line.trim() !== '') {
        problems.push({ file, line: pending.line, message: 'marker not followed by a code block' });
        pending = undefined;
      }
      continue;
    }
    const [, indent = '', ticks = '', language = ''] = fence;
    const close = new RegExp(`^\\s*${ticks[0] === '`' ? '`' : '~'}{${ticks.length},}\\s*$`);
    let end = i + 1;
    while (end < lines.length && !close.test(lines[end] as string)) end++;
    if (end === lines.length) {
      problems.push({ file, line: i + 1, message: 'code block is never closed' });
      break;
    }
    const code = lines
      .slice(i + 1, end)
      .map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l.trimStart()))
      .join('\n');
    blocks.push({
      file,
      line: i + 1,
      language,
      kind: KINDS[language.toLowerCase()],
      mode: pending?.mode ?? { run: 'execute' },
      code,
    });
    pending = undefined;
    i = end;
  }
  if (pending) problems.push({ file, line: pending.line, message: 'marker without a block' });
  return { blocks, problems };
}

const SKIPPED_DIRS = new Set(['node_modules', 'dist', '.tmp', '.git', 'packs', 'coverage']);

/**
 * Every Markdown file of the repository, sorted, relative to `root`: the READMEs, docs/ and
 * anything else tracked, minus dependencies, build output and the flagd submodules (their
 * Markdown is theirs).
 */
export function markdownFiles(root: string, skip: readonly string[] = []): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const rel = relative(root, path);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name) && !skip.includes(rel)) walk(path);
      } else if (entry.isFile() && entry.name.endsWith('.md')) {
        found.push(rel);
      }
    }
  };
  walk(root);
  return found.sort((a, b) => (a === 'README.md' ? -1 : b === 'README.md' ? 1 : a < b ? -1 : 1));
}

export function readMarkdown(root: string, file: string) {
  return parseMarkdown(file, readFileSync(join(root, file), 'utf8'));
}
