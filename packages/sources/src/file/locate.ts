// Finds what a file source consists of right now, without opening anything: the root (one
// file, or a directory and its flag files), each entry's walk, the directories to watch, and a
// fingerprint that changes whenever any of it does (the backup poll compares fingerprints).
import { readdirSync } from 'node:fs';
import type { BigIntStats } from 'node:fs';
import { join } from 'node:path';
import type { EntryFault } from './read-entry.js';
import { ioFault } from './read-entry.js';
import type { ResolvedDir, Walk } from './walk.js';
import { identityOf, walkPath } from './walk.js';

/** The files of a directory source: visible (no dot) JSON and YAML files. */
export const FLAG_FILE = /^[^.].*\.(json|ya?ml)$/i;

export type SourceKind = 'file' | 'directory';

export interface LocatedEntry {
  /** '' for a single-file source, else the file's name in the directory. */
  readonly name: string;
  /** The entry as messages name it: the configured path, or path/name. */
  readonly display: string;
  /** The regular file to read, or why there is none. */
  readonly target:
    | {
        readonly path: string;
        readonly stats: BigIntStats;
        /** The path reached through a symbolic link (messages name where it led). */
        readonly linked: boolean;
      }
    | { readonly fault: EntryFault };
}

export interface WatchTarget {
  /** The directory's identity when it was walked (see identityOf). */
  readonly identity: string;
  readonly names: Set<string>;
  /** Also every flag file name (the source directory itself). */
  flagFiles: boolean;
}

export interface Located {
  /** What the source turned out to be (undefined while the path has never existed). */
  readonly kind: SourceKind | undefined;
  /** Why the source as a whole is unusable now (a directory source's directory is missing). */
  readonly rootFault: EntryFault | undefined;
  /** In name order. Empty while the root is at fault. */
  readonly entries: readonly LocatedEntry[];
  readonly watches: Map<string, WatchTarget>;
  readonly fingerprint: string;
  /** False when an entry vanished between listing and walking it (look again later). */
  readonly stable: boolean;
}

export interface LocateOptions {
  readonly path: string;
  readonly display: string;
  readonly kind: SourceKind | undefined;
  /** The most files a directory source may hold. */
  readonly maxEntries: number;
}

function addWatches(watches: Map<string, WatchTarget>, walk: Walk): void {
  for (const { dir, name } of walk.lookups) {
    const identity = walk.dirs.get(dir);
    if (identity === undefined) continue;
    let target = watches.get(dir);
    if (target === undefined || target.identity !== identity) {
      target = { identity, names: new Set(), flagFiles: false };
      watches.set(dir, target);
    }
    target.names.add(name);
  }
}

/** The fault a walk ended with, if it found nothing. */
function walkFault(walk: Walk): EntryFault | undefined {
  const end = walk.end;
  if (end.kind === 'found') return undefined;
  if (end.kind === 'failed') return ioFault(end.errno);
  if (end.danglingLink === undefined) return ioFault('ENOENT');
  return {
    code: 'NOT_REGULAR',
    reason: `not a regular file: a dangling symbolic link (${end.path} does not exist)`,
  };
}

const stamp = (stats: BigIntStats) =>
  `${stats.dev}:${stats.ino}:${stats.mode}:${stats.size}:${stats.mtimeNs}:${stats.ctimeNs}`;

/** `lexical`: the entry's path before links are followed. */
function entryOf(
  { name, display, lexical }: { name: string; display: string; lexical: string },
  walk: Walk,
): LocatedEntry {
  const fault = walkFault(walk);
  if (fault) return { name, display, target: { fault } };
  const end = walk.end as Extract<Walk['end'], { kind: 'found' }>;
  return {
    name,
    display,
    target: { path: end.path, stats: end.stats, linked: end.path !== lexical },
  };
}

function fingerprintOf(entries: readonly LocatedEntry[], rootFault: EntryFault | undefined) {
  if (rootFault) return `root:${rootFault.reason}`;
  return entries
    .map((e) => `${e.name}=${'fault' in e.target ? e.target.fault.reason : stamp(e.target.stats)}`)
    .join('\n');
}

/** A located source: its entries, or the fault of its root. */
function located(
  kind: SourceKind | undefined,
  watches: Map<string, WatchTarget>,
  found: { entries: LocatedEntry[]; stable: boolean } | { rootFault: EntryFault },
): Located {
  if ('rootFault' in found) {
    const { rootFault } = found;
    const fingerprint = fingerprintOf([], rootFault);
    return { kind, rootFault, entries: [], watches, fingerprint, stable: true };
  }
  const { entries, stable } = found;
  const fingerprint = fingerprintOf(entries, undefined);
  return { kind, rootFault: undefined, entries, watches, fingerprint, stable };
}

/** Looks at the source. Never throws. */
export function locate(options: LocateOptions): Located {
  const watches = new Map<string, WatchTarget>();
  const root = walkPath(options.path);
  addWatches(watches, root);
  const end = root.end;
  const isDirectory = end.kind === 'found' && end.stats.isDirectory();
  const kind =
    options.kind ?? (end.kind === 'found' ? (isDirectory ? 'directory' : 'file') : undefined);
  if (kind === 'file') {
    return located(kind, watches, {
      entries: [entryOf({ name: '', display: options.display, lexical: options.path }, root)],
      stable: true,
    });
  }
  const fault: EntryFault | undefined =
    walkFault(root) ??
    (isDirectory ? undefined : { code: 'NOT_REGULAR', reason: 'not a directory' });
  if (fault || end.kind !== 'found') return located(kind, watches, { rootFault: fault! });
  return locateDirectory(options, { path: end.path, identity: identityOf(end.stats) }, watches);
}

function locateDirectory(
  options: LocateOptions,
  dir: ResolvedDir,
  watches: Map<string, WatchTarget>,
): Located {
  const own = watches.get(dir.path) ?? {
    identity: dir.identity,
    names: new Set<string>(),
    flagFiles: true,
  };
  own.flagFiles = true;
  watches.set(dir.path, own);
  let names: string[];
  try {
    names = readdirSync(dir.path)
      .filter((n) => FLAG_FILE.test(n))
      .sort();
  } catch (error) {
    const rootFault = ioFault((error as NodeJS.ErrnoException).code ?? 'EIO');
    return located('directory', watches, { rootFault });
  }
  if (names.length > options.maxEntries) {
    const reason = `${names.length} flag files is over the limit of ${options.maxEntries}`;
    return located('directory', watches, { rootFault: { code: 'TOO_LARGE', reason } });
  }
  const entries: LocatedEntry[] = [];
  let stable = true;
  for (const name of names) {
    const walk = walkPath(name, dir);
    addWatches(watches, walk);
    // Listed a moment ago and gone now: a writer is at work; it is absent, and we look again.
    if (walk.end.kind === 'missing' && walk.end.path === join(dir.path, name)) {
      stable = false;
      continue;
    }
    const display = join(options.display, name);
    entries.push(entryOf({ name, display, lexical: join(dir.path, name) }, walk));
  }
  return located('directory', watches, { entries, stable });
}
