// The `--audit-log` file: opened once in append mode (O_APPEND), one write() per JSON line, so
// every line lands whole at the end of the file even when another process appends to it too.
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { StartupError } from '../errors/startup-error.js';

export class AuditFile {
  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
  ) {}

  static async open(path: string): Promise<AuditFile> {
    try {
      return new AuditFile(path, await open(path, 'a'));
    } catch (error) {
      throw new StartupError(`cannot open the audit log ${path}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  async append(line: string): Promise<void> {
    const bytes = Buffer.from(`${line}\n`, 'utf8');
    let offset = 0;
    // A regular file takes the whole buffer in one write; the loop only guards the exception.
    while (offset < bytes.length) {
      const { bytesWritten } = await this.handle.write(bytes, offset);
      offset += bytesWritten;
    }
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}
