// Reads a file source (one flag file, or a directory of .json/.yaml/.yml files) and parses it
// with core in strict mode. Parse results are cached by content, so a burst that rewrites one
// file of a large directory re-parses only that file. File system calls are synchronous on
// purpose: each async call is a round trip through libuv's thread pool, and on a loaded machine
// the four of them (stat, open/read, stat) cost several milliseconds per publish, while the sync
// calls on a local flag file take microseconds next to the (synchronous) parse that follows.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { join } from 'node:path';
import { formatDiagnostic, parseFlags } from '../engine.js';
import type { Diagnostic, FlagConfiguration, FlagDefinition } from '../engine.js';
import type { SourceProblem } from './types.js';

const FLAG_FILE = /\.(json|ya?ml)$/i;

export type ReadResult =
  | {
      readonly ok: true;
      /** Hash of every file's name and content: equal keys mean an identical configuration. */
      readonly key: string;
      readonly configuration: FlagConfiguration;
      readonly warnings: readonly Diagnostic[];
      /** False when a file changed while it was being read (read again). */
      readonly stable: boolean;
    }
  | {
      readonly ok: false;
      readonly key: string;
      readonly problem: SourceProblem;
      readonly stable: boolean;
    };

type Parsed = ReturnType<typeof parseFlags>;

/** Reads and parses one source; `display` is the id used in messages (the configured path). */
export class SourceReader {
  private cache = new Map<string, Parsed>();

  constructor(
    private readonly path: string,
    private readonly display: string,
  ) {}

  read(): ReadResult {
    let info: Stats;
    try {
      info = statSync(this.path);
    } catch (error) {
      return this.ioProblem(error, this.display);
    }
    const files: { path: string; display: string }[] = [];
    if (info.isDirectory()) {
      let names: string[];
      try {
        names = readdirSync(this.path);
      } catch (error) {
        return this.ioProblem(error, this.display);
      }
      // Dot entries are editors' temp files and Kubernetes' `..data` machinery, never flags.
      for (const name of names.filter((n) => !n.startsWith('.') && FLAG_FILE.test(n)).sort()) {
        files.push({ path: join(this.path, name), display: join(this.display, name) });
      }
    } else {
      files.push({ path: this.path, display: this.display });
    }
    const next = new Map<string, Parsed>();
    const flags: FlagDefinition[] = [];
    const warnings: Diagnostic[] = [];
    const hash = createHash('sha1');
    let stable = true;
    for (const file of files) {
      let text: string;
      try {
        const before = statSync(file.path);
        if (!before.isFile()) continue;
        text = readFileSync(file.path, 'utf8');
        const after = statSync(file.path);
        if (
          after.size !== before.size ||
          after.mtimeMs !== before.mtimeMs ||
          after.ino !== before.ino
        ) {
          stable = false;
        }
      } catch (error) {
        // A file that vanished between readdir and read belongs to a burst still in progress.
        if (files.length > 1 && (error as NodeJS.ErrnoException).code === 'ENOENT') {
          stable = false;
          continue;
        }
        return this.ioProblem(error, file.display);
      }
      const contentKey = `${file.display}\0${createHash('sha1').update(text).digest('hex')}`;
      hash.update(contentKey).update('\0');
      const parsed =
        this.cache.get(contentKey) ??
        parseFlags(text, { source: file.display, mode: 'strict', targetingErrors: 'isolate' });
      next.set(contentKey, parsed);
      if (!parsed.ok || !parsed.configuration) {
        this.cache = next;
        const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
        const first = errors[0] ?? parsed.diagnostics[0];
        const message = first
          ? formatDiagnostic(first)
          : `${file.display}: invalid flag configuration`;
        const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
        return {
          ok: false,
          key: hash.digest('hex'),
          problem: {
            code: 'INVALID',
            message: `${message}${more}`,
            diagnostics: parsed.diagnostics,
          },
          stable,
        };
      }
      flags.push(...parsed.configuration.flags);
      warnings.push(...parsed.diagnostics.filter((d) => d.severity === 'warning'));
      for (const flag of parsed.configuration.flags) if (flag.error) warnings.push(flag.error);
    }
    this.cache = next;
    return {
      ok: true,
      key: hash.digest('hex'),
      configuration: { flags, metadata: {}, source: this.display },
      warnings,
      stable,
    };
  }

  private ioProblem(error: unknown, display: string): ReadResult {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      return {
        ok: false,
        key: `missing:${display}`,
        problem: { code: 'MISSING', message: `${display}: no such file or directory` },
        stable: true,
      };
    }
    const reason = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      key: `unreadable:${display}:${code ?? reason}`,
      problem: { code: 'UNREADABLE', message: `${display}: cannot read: ${reason}` },
      stable: true,
    };
  }
}
