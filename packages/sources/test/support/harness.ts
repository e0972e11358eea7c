// Test peers for sources: real files in a temp dir, a source with its updates and traces
// recorded, and waiters that resolve on events (never on sleeps).
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FileSourceOptions, SourceUpdate } from '../../src/index.js';
import { FileSource } from '../../src/index.js';

export function tempDir(prefix = 'switchyard-sources-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes through a temp file and rename(), the way editors save. */
export function atomicWrite(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** A flag document of boolean flags: `flagsDoc({a: 'on'})`. */
export function flagsDoc(flags: Record<string, 'on' | 'off'>): string {
  const out: Record<string, unknown> = {};
  for (const [key, variant] of Object.entries(flags)) {
    out[key] = { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: variant };
  }
  return `${JSON.stringify({ flags: out }, null, 2)}\n`;
}

/** `{key: defaultVariant}` of what an update serves (undefined: nothing yet). */
export function served(update: SourceUpdate): Record<string, string | undefined> | undefined {
  if (!update.configuration) return undefined;
  return Object.fromEntries(update.configuration.flags.map((f) => [f.key, f.defaultVariant]));
}

export const problemCodes = (update: SourceUpdate) =>
  update.problems.map((p) => `${p.code} ${p.entry}`);

export interface Watched {
  readonly source: FileSource;
  readonly updates: SourceUpdate[];
  readonly traces: string[];
  /** Resolves with the first update after the `from`-th that matches. */
  update(match?: (u: SourceUpdate) => boolean, from?: number): Promise<SourceUpdate>;
  /** Resolves with the next update. */
  next(): Promise<SourceUpdate>;
  trace(match: (t: string) => boolean, from?: number): Promise<string>;
  close(): Promise<void>;
}

export const DAEMON_PARSE = { mode: 'strict', targetingErrors: 'isolate' } as const;

export async function watchSource(
  path: string,
  options: Partial<FileSourceOptions> = {},
): Promise<Watched> {
  const updates: SourceUpdate[] = [];
  const traces: string[] = [];
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const w of [...waiters]) w();
  };
  const source = new FileSource(
    { id: path, path },
    {
      parse: DAEMON_PARSE,
      ...options,
      onTrace: (event, detail) => {
        traces.push(`${event} ${detail}`);
        options.onTrace?.(event, detail);
        notify();
      },
    },
  );
  await source.start((update) => {
    updates.push(update);
    notify();
  });
  const until = <T>(check: () => T | undefined): Promise<T> =>
    new Promise((resolve) => {
      const run = () => {
        const found = check();
        if (found === undefined) return;
        waiters.delete(run);
        resolve(found);
      };
      waiters.add(run);
      run();
    });
  const watched: Watched = {
    source,
    updates,
    traces,
    update: (match = () => true, from = updates.length) =>
      until(() => updates.slice(from).find(match)),
    next: () => watched.update(),
    trace: (match, from = traces.length) => until(() => traces.slice(from).find(match)),
    close: () => source.close(),
  };
  return watched;
}

export function cleanup(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
