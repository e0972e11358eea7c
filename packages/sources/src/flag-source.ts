// The source seam, shared by the daemon and the provider: a source watches one origin (a file, a
// directory, later an HTTP endpoint or another daemon's sync stream) and reports its state as
// parsed, validated flags plus the problems of its entries. Consumers never see raw text and
// never parse; they merge, publish and serve.
import type { Diagnostic, FlagConfiguration, JsonObject } from '@switchyard/core';

/** Every problem code, for exhaustive handling and docs. */
export const SOURCE_PROBLEM_CODES = [
  'MISSING',
  'UNREADABLE',
  'NOT_REGULAR',
  'INVALID',
  'TOO_LARGE',
  'UNAVAILABLE',
  'FATAL',
] as const;

/** Why an entry of a source has no usable new content. */
export type SourceProblemCode =
  /** The path does not exist (yet, or any more). */
  | 'MISSING'
  /** An I/O error: EACCES, ELOOP, EIO, ... */
  | 'UNREADABLE'
  /** Not a regular file where one is expected: FIFO, socket, device, directory, dangling link. */
  | 'NOT_REGULAR'
  /** The content does not parse or validate (diagnostics name file, flag and JSON path). */
  | 'INVALID'
  /** The content is over a size limit (file, message or payload). */
  | 'TOO_LARGE'
  /** A remote origin cannot be reached right now; the source keeps retrying. */
  | 'UNAVAILABLE'
  /** The source gave up for good (a fatal status, an unusable certificate). */
  | 'FATAL';

export interface SourceProblem {
  readonly code: SourceProblemCode;
  /** The entry at fault as configured: a file path, a URL, an address. */
  readonly entry: string;
  /** One line, leading with file:line:col or the JSON path when known. */
  readonly message: string;
  readonly diagnostics?: readonly Diagnostic[] | undefined;
  /** Epoch ms since when the entry has been in this state. */
  readonly since: number;
}

/** The state of one source after a change: what it serves now and what is wrong with it. */
export interface SourceUpdate {
  readonly sourceId: string;
  /**
   * The flags this source serves now: for each entry its current content when valid, else its
   * last good content (an entry that never was valid contributes nothing). Undefined only while
   * the source has never had any usable content (e.g. missing at start-up).
   */
  readonly configuration: FlagConfiguration | undefined;
  /** Every entry that is currently not usable; empty when the source is healthy. */
  readonly problems: readonly SourceProblem[];
  /** Non-fatal findings of the current content (flags served with an unusable rule, ...). */
  readonly warnings: readonly Diagnostic[];
  /** The sync_context that came with the flags (sync-stream sources only). */
  readonly syncContext?: JsonObject | undefined;
  /** performance.now() of the first event behind this update (undefined for the first load). */
  readonly eventAt: number | undefined;
}

export type SourceListener = (update: SourceUpdate) => void;

export interface FlagSource {
  /** flagd's id of the source (selector `source=<id>`): the URI without `file:`, or the URL. */
  readonly id: string;
  /** Human-readable origin for messages (`/etc/flags`, `sync localhost:8015`). */
  readonly description: string;
  /**
   * Starts watching. Resolves once the first load attempt has been reported (valid or not);
   * never rejects for a problem of the origin (that is an update with problems).
   */
  start(listener: SourceListener): Promise<void>;
  /** Stops every watcher, timer and stream; no update is reported afterwards. Idempotent. */
  close(): Promise<void>;
}
