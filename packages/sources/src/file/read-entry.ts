// Reads one flag file found by a walk, safely: only a regular file is opened, and it is opened
// without blocking (a FIFO swapped in after the check cannot hang the process), without
// following a link swapped in after the walk, and read up to a size bound. File system calls are
// synchronous on purpose: each async call is a round trip through libuv's thread pool, which
// on a loaded machine costs milliseconds per publish, while these take microseconds.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import type { BigIntStats } from 'node:fs';
import type { SourceProblemCode } from '../flag-source.js';

export interface EntryFault {
  readonly code: SourceProblemCode;
  /** Why, without the entry's name: `not a regular file: a FIFO`. */
  readonly reason: string;
}

export type EntryRead =
  | { readonly ok: true; readonly text: string; readonly stable: boolean }
  | { readonly ok: false; readonly fault: EntryFault; readonly stable: boolean };

const ERRNO_TEXT: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ELOOP: 'too many levels of symbolic links',
  ENOTDIR: 'a component of the path is not a directory',
  EIO: 'input/output error',
  ENAMETOOLONG: 'file name too long',
};

/** The fault for an errno from stat/open/read: `cannot read: permission denied (EACCES)`. */
export function ioFault(errno: string): EntryFault {
  if (errno === 'ENOENT') return { code: 'MISSING', reason: 'no such file or directory (ENOENT)' };
  return { code: 'UNREADABLE', reason: `cannot read: ${ERRNO_TEXT[errno] ?? 'error'} (${errno})` };
}

/** What a non-regular file is, in words. */
export function describeType(stats: BigIntStats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  return 'not a file';
}

/** The fault of a file that is not regular or too large, before anything is opened. */
export function checkFile(stats: BigIntStats, maxBytes: number): EntryFault | undefined {
  if (!stats.isFile()) {
    return { code: 'NOT_REGULAR', reason: `not a regular file: ${describeType(stats)}` };
  }
  if (stats.size > BigInt(maxBytes)) {
    return {
      code: 'TOO_LARGE',
      reason: `${stats.size} bytes is over the limit of ${maxBytes} bytes`,
    };
  }
  return undefined;
}

const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW;

const sameVersion = (a: BigIntStats, b: BigIntStats) =>
  a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;

/**
 * Reads the regular file `path` (physical, as the walk found it with `stats`). `stable` is false
 * when the file changed between the walk and the end of the read: read it again later.
 */
export function readEntry(path: string, stats: BigIntStats, maxBytes: number): EntryRead {
  const fault = checkFile(stats, maxBytes);
  if (fault) return { ok: false, fault, stable: true };
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (error) {
    const errno = (error as NodeJS.ErrnoException).code ?? 'EIO';
    // Gone or replaced by a link since the walk: a writer is at work.
    const moving = errno === 'ENOENT' || errno === 'ELOOP';
    return { ok: false, fault: ioFault(errno), stable: !moving };
  }
  try {
    const before = fstatSync(fd, { bigint: true });
    if (!before.isFile() || before.ino !== stats.ino) {
      return { ok: false, fault: checkFile(before, maxBytes) ?? ioFault('EIO'), stable: false };
    }
    const buffer = Buffer.allocUnsafe(Math.min(Number(before.size), maxBytes) + 1);
    let length = 0;
    for (;;) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0 || length + n >= buffer.length) {
        length += n;
        break;
      }
      length += n;
    }
    const after = fstatSync(fd, { bigint: true });
    const stable = sameVersion(stats, after) && length === Number(after.size);
    return { ok: true, text: buffer.toString('utf8', 0, length), stable };
  } catch (error) {
    return {
      ok: false,
      fault: ioFault((error as NodeJS.ErrnoException).code ?? 'EIO'),
      stable: true,
    };
  } finally {
    closeSync(fd);
  }
}
