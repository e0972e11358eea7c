// Shared helpers for the gitops command tests: an in-memory CliIo and fixture paths.
import { join } from 'node:path';
import type { CliIo } from '../src/index.js';

export const FIXTURES = join(__dirname, 'fixtures');

export interface CapturedIo extends CliIo {
  out(): string;
  err(): string;
}

export function captureIo(cwd: string, env: Record<string, string | undefined> = {}): CapturedIo {
  let out = '';
  let err = '';
  return {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    cwd,
    env,
    out: () => out,
    err: () => err,
  };
}

/** 2025-06-01T00:00:00Z, the fixed "today" of the expiry fixtures. */
export const FIXED_NOW = Date.UTC(2025, 5, 1);
