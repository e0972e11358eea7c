// Replacing a file so that a reader (the daemon's watcher, a crash, a concurrent `cat`) sees the
// old content or the new one, never a part: write a temporary file beside it, flush it to disk,
// rename it over the target, flush the directory. The target's permissions are kept, and a
// symbolic link is followed (the file it points to is replaced, the link stays a link).
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { open, realpath, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

async function modeOf(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mode & 0o7777;
  } catch {
    return undefined;
  }
}

async function resolved(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch {
    return path; // a new file
  }
}

/** Writes `data` to `path` atomically (see above); rejects with the file system's error. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const target = await resolved(path);
  const dir = dirname(target);
  const temp = join(
    dir,
    `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  const mode = (await modeOf(target)) ?? 0o644;
  const handle = await open(temp, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, mode);
  try {
    await handle.chmod(mode); // open's mode is masked by the umask
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  try {
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  // The rename is durable once the directory is flushed; not every platform can open one.
  const directory = await open(dir, 'r').catch(() => undefined);
  await directory?.sync().catch(() => undefined);
  await directory?.close();
}
