// The provider's source seam: one implementation per file (sync stream, file, inline).
// A source delivers raw configurations and reports connectivity; the provider owns parsing,
// the state machine and events, so every source gets the same READY/STALE/ERROR semantics.
import type { JsonObject, JsonValue } from '@switchyard/core';

export interface SourcePayload {
  /** The full flag configuration (flagd schema) as text or an already-parsed object. */
  readonly configuration: string | JsonValue;
  /** The daemon's sync_context (sync source only). */
  readonly syncContext?: JsonObject | undefined;
}

export interface SourceListener {
  /** A configuration arrived. Returns the rejection (the old one stays), or undefined. */
  payload(payload: SourcePayload): Error | undefined;
  /**
   * The source lost its connection (stream failed, file deleted or unreadable). The source keeps
   * retrying on its own; the next accepted payload means it recovered.
   */
  unavailable(error: Error): void;
  /** The source gave up for good (a fatal status code, an unusable certificate). */
  fatal(error: Error): void;
}

export interface FlagSource {
  /** Human-readable origin, for messages and diagnostics (`sync localhost:8015`, a path). */
  readonly description: string;
  /** Starts delivering to `listener`; must not throw (report through the listener instead). */
  start(listener: SourceListener): void;
  /** Stops every stream, watcher and timer. Idempotent. */
  close(): void;
}
