// Reads HEAD the way git stores it, so resolving it costs a file read instead of a git process:
// <git-dir>/HEAD holds a sha (detached) or `ref: refs/heads/<branch>`; a branch is a loose file
// under the common dir (shared by linked worktrees) or a line of packed-refs. What this does not
// understand (reftable, a malformed file) answers 'unknown' so the caller can ask git instead of
// guessing.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Where a work tree's git data lives (`rev-parse --absolute-git-dir --git-common-dir`). */
export interface GitDirs {
  /** Per-worktree data: HEAD, refs/worktree, refs/bisect. */
  readonly gitDir: string;
  /** Shared by linked worktrees: branches, tags, packed-refs. */
  readonly commonDir: string;
}

export type HeadState =
  | { readonly sha: string }
  /** HEAD names a branch that has no commit yet (a fresh `git init`). */
  | { readonly unborn: string }
  /** <git-dir>/HEAD is gone: the repository was removed or moved. */
  | 'missing'
  | 'unknown';

const SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;
const PER_WORKTREE = /^(?:HEAD$|refs\/(?:worktree|bisect|rewritten)\/)/;
/** Symbolic refs pointing at symbolic refs: git itself gives up after 5. */
const MAX_DEPTH = 5;

export const isSha = (text: string) => SHA.test(text);

export async function readHead(dirs: GitDirs): Promise<HeadState> {
  let ref = 'HEAD';
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const text = await readRefFile(
      join(PER_WORKTREE.test(ref) ? dirs.gitDir : dirs.commonDir, ref),
    );
    if (text === 'unreadable') return 'unknown';
    if (text === undefined) {
      if (ref === 'HEAD') return 'missing';
      const packed = await packedRef(dirs.commonDir, ref);
      if (packed !== undefined) return packed;
      // With reftable, HEAD points at a placeholder branch and no loose ref exists: not unborn.
      return existsSync(join(dirs.commonDir, 'reftable')) ? 'unknown' : { unborn: ref };
    }
    if (SHA.test(text)) return { sha: text };
    if (!text.startsWith('ref: ')) return 'unknown';
    ref = text.slice(5).trim();
    if (!ref.startsWith('refs/') || ref.split('/').includes('..')) return 'unknown';
  }
  return 'unknown';
}

/** The file's trimmed text; undefined when it does not exist. */
async function readRefFile(path: string): Promise<string | undefined | 'unreadable'> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // ENOTDIR: refs/heads/a when refs/heads is a file (reftable's stub) or a/b exists as a file.
    return code === 'ENOENT' || code === 'ENOTDIR' ? undefined : 'unreadable';
  }
}

/** `<sha> <ref>` lines after a `#` header; `^<sha>` lines peel the tag above them. */
async function packedRef(
  commonDir: string,
  ref: string,
): Promise<{ sha: string } | 'unknown' | undefined> {
  const text = await readRefFile(join(commonDir, 'packed-refs'));
  if (text === 'unreadable') return 'unknown';
  if (text === undefined) return undefined;
  for (const line of text.split('\n')) {
    const space = line.indexOf(' ');
    if (space > 0 && line.slice(space + 1).trim() === ref) {
      const sha = line.slice(0, space);
      return SHA.test(sha) ? { sha } : 'unknown';
    }
  }
  return undefined;
}
