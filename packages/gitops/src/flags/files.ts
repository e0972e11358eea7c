// Expands validate/diff/eval path arguments into flag files: plain files, directories (every
// .json/.yaml/.yml below, sorted) and globs (./glob.ts). Paths are reported relative to cwd.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { InputError } from '../errors/input-error.js';
import { hasGlob, matchSegments, splitGlob } from './glob.js';

export interface FlagFile {
  /** Absolute path. */
  readonly path: string;
  /** Path relative to cwd with `/` separators (for messages and SARIF). */
  readonly display: string;
}

const FLAG_EXTENSIONS = ['.json', '.yaml', '.yml'];
const SKIP_DIRS = new Set(['node_modules', '.git']);

function isConfigFileName(path: string): boolean {
  return path
    .slice(path.lastIndexOf(sep) + 1)
    .toLowerCase()
    .startsWith('switchyard.config.');
}

export function isFlagFileName(name: string): boolean {
  const lower = name.toLowerCase();
  if (isConfigFileName(name)) return false;
  return FLAG_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

export function displayPath(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  const shown = rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel;
  return shown.split(sep).join('/');
}

/** Every file below `dir` (recursive, sorted, skipping node_modules and .git). */
function walk(dir: string, out: string[]): void {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) walk(full, out);
    } else if (entry.isFile()) {
      out.push(full);
    }
  }
}

function statOf(path: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** Expands arguments to flag files, in argument order, without duplicates. */
export function expandPaths(args: readonly string[], cwd: string): FlagFile[] {
  const seen = new Set<string>();
  const out: FlagFile[] = [];
  const add = (path: string): void => {
    if (seen.has(path)) return;
    seen.add(path);
    out.push({ path, display: displayPath(cwd, path) });
  };
  for (const arg of args) {
    const posix = arg.split(sep).join('/');
    if (hasGlob(posix)) {
      const { base, pattern } = splitGlob(posix);
      const baseDir = resolve(cwd, base.length === 0 ? '.' : base.join('/') || '/');
      const files: string[] = [];
      if (statOf(baseDir)?.isDirectory()) walk(baseDir, files);
      // Project config files are never flag files, even when a glob matches them.
      const matched = files.filter(
        (f) => matchSegments(pattern, relative(baseDir, f).split(sep)) && !isConfigFileName(f),
      );
      if (matched.length === 0) throw new InputError(`no files match ${arg}`);
      matched.forEach(add);
      continue;
    }
    const full = resolve(cwd, arg);
    const st = statOf(full);
    if (st === undefined) throw new InputError(`no such file or directory: ${arg}`);
    if (st.isDirectory()) {
      const files: string[] = [];
      walk(full, files);
      const flagFiles = files.filter((f) => isFlagFileName(f.slice(f.lastIndexOf(sep) + 1)));
      if (flagFiles.length === 0) throw new InputError(`no .json/.yaml/.yml files in ${arg}`);
      flagFiles.forEach(add);
    } else {
      add(full);
    }
  }
  return out;
}

export function readText(file: FlagFile): string {
  try {
    return readFileSync(file.path, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read ${file.display}: ${(error as Error).message}`);
  }
}
