// Resolves a path one component at a time, the way the kernel does, and records every
// (directory, name) lookup on the way. Those lookups are what a watch must cover: a change to
// any of them (a renamed parent, a swapped `..data` symlink, a replaced directory) can change
// what the path names. Resolving by hand also gives each failure its precise reason: a dangling
// or looping link, a component that is not a directory.
import { lstatSync, readlinkSync, statSync } from 'node:fs';
import type { BigIntStats } from 'node:fs';
import { dirname, isAbsolute, join, parse, sep } from 'node:path';

/** Linux's limit on symbolic links followed in one resolution (MAXSYMLINKS). */
const MAX_LINKS = 40;

export interface Lookup {
  /** The directory (physical path, symlinks resolved) the name was looked up in. */
  readonly dir: string;
  readonly name: string;
}

export type WalkEnd =
  | { readonly kind: 'found'; readonly path: string; readonly stats: BigIntStats }
  | {
      readonly kind: 'missing';
      readonly path: string;
      /** The configured path is a symbolic link whose target (this link's) does not exist. */
      readonly danglingLink: string | undefined;
    }
  | { readonly kind: 'failed'; readonly path: string; readonly errno: string };

export interface Walk {
  readonly end: WalkEnd;
  /** Every lookup in order; a change to any of them can change the end. */
  readonly lookups: readonly Lookup[];
  /** Identity of each directory looked into, to notice a watched directory being replaced. */
  readonly dirs: ReadonlyMap<string, string>;
}

/** A directory already resolved, to walk an entry below it without re-walking its ancestors. */
export interface ResolvedDir {
  readonly path: string;
  readonly identity: string;
}

/**
 * Which directory (or file) this is: a removed directory's inode number is often reused at
 * once by the next one created, so the birth time (where the file system keeps one) is part
 * of it.
 */
export const identityOf = (stats: BigIntStats): string =>
  `${stats.dev}:${stats.ino}:${stats.birthtimeNs}`;

const statIdentity = (path: string) => identityOf(statSync(path, { bigint: true }));

const components = (path: string): string[] =>
  path.split(sep).filter((part) => part !== '' && part !== '.');

function errnoOf(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? 'EIO';
}

/** Walks an absolute `path`, or a relative one below `from`. Never throws. */
export function walkPath(path: string, from?: ResolvedDir): Walk {
  const lookups: Lookup[] = [];
  const dirs = new Map<string, string>();
  try {
    return walkInto({ lookups, dirs }, path, from);
  } catch (error) {
    // A directory on the way vanished between two calls: the caller looks again later.
    return { end: { kind: 'failed', path, errno: errnoOf(error) }, lookups, dirs };
  }
}

function walkInto(
  walk: { lookups: Lookup[]; dirs: Map<string, string> },
  path: string,
  from: ResolvedDir | undefined,
): Walk {
  const { lookups, dirs } = walk;
  let dir = from ? from.path : parse(path).root;
  dirs.set(dir, from ? from.identity : statIdentity(dir));
  const rest = components(from ? path : path.slice(dir.length));
  let links = 0;
  let finalLink: string | undefined;
  while (rest.length > 0) {
    const name = rest.shift()!;
    if (name === '..') {
      dir = dirname(dir);
      if (!dirs.has(dir)) dirs.set(dir, statIdentity(dir));
      continue;
    }
    const current = join(dir, name);
    lookups.push({ dir, name });
    let stats: BigIntStats;
    try {
      stats = lstatSync(current, { bigint: true });
    } catch (error) {
      const errno = errnoOf(error);
      if (errno !== 'ENOENT') return { ...walk, end: { kind: 'failed', path: current, errno } };
      return { ...walk, end: { kind: 'missing', path: current, danglingLink: finalLink } };
    }
    if (stats.isSymbolicLink()) {
      if (++links > MAX_LINKS) return { ...walk, end: { kind: 'failed', path, errno: 'ELOOP' } };
      let target: string;
      try {
        target = readlinkSync(current);
      } catch (error) {
        return { ...walk, end: { kind: 'failed', path: current, errno: errnoOf(error) } };
      }
      // A link in the last position decides what the configured path is.
      if (rest.length === 0) finalLink = current;
      if (isAbsolute(target)) {
        dir = parse(target).root;
        if (!dirs.has(dir)) dirs.set(dir, statIdentity(dir));
      }
      rest.unshift(...components(isAbsolute(target) ? target.slice(dir.length) : target));
      continue;
    }
    if (rest.length === 0) return { ...walk, end: { kind: 'found', path: current, stats } };
    if (!stats.isDirectory())
      return { ...walk, end: { kind: 'failed', path: current, errno: 'ENOTDIR' } };
    dir = current;
    dirs.set(dir, identityOf(stats));
  }
  // The path named a directory through `..` or `/`: it is the directory reached.
  try {
    return { ...walk, end: { kind: 'found', path: dir, stats: lstatSync(dir, { bigint: true }) } };
  } catch (error) {
    return { ...walk, end: { kind: 'failed', path: dir, errno: errnoOf(error) } };
  }
}
