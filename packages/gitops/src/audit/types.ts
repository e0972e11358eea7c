// The shape of one audit entry: what went live in a generation, compact enough for a JSON line.
// Flags are summarised (state, default, variant names, whether targeting exists), never dumped.
// The daemon writes them (`--audit-log`, `GET /audit`); the model lives here so tools share it.
import type { FlagDefinition } from '@switchyard/core';

/** A flag as a generation serves it: its definition and the source it came from. */
export interface ServedFlag {
  readonly flag: FlagDefinition;
  readonly sourceId: string;
}

/** A flag as the audit shows it. */
export interface FlagSummary {
  readonly state: string;
  /** null when the flag has no default variant (the caller's code default applies). */
  readonly defaultVariant: string | null;
  /** Variant names in document order. */
  readonly variants: readonly string[];
  /** The flag has a targeting rule. */
  readonly targeting: boolean;
  /** Why the flag was changed outside the usual review (its `incident` metadata), if it says. */
  readonly incident?: string;
}

/** What a changed flag's definition changed in. */
export type ChangedField =
  | 'state'
  | 'defaultVariant'
  | 'variants'
  | 'targeting'
  | 'metadata'
  | 'source'
  | 'error';

export interface FlagAudit {
  readonly key: string;
  /** Present when the flag belongs to a flag set. */
  readonly flagSetId?: string;
  /** The source the flag is served from (for a removed flag: the one it was served from). */
  readonly source: string;
  readonly before?: FlagSummary;
  readonly after?: FlagSummary;
  /** Changed flags only. */
  readonly fields?: readonly ChangedField[];
}

/** The git state of one source path at the time the entry was written. */
export interface GitAudit {
  readonly source: string;
  /** The work tree's top-level directory. */
  readonly repository: string;
  /** HEAD of that repository. */
  readonly head: string;
  /** The source path differs from HEAD (modified, staged or untracked files). */
  readonly dirty: boolean;
  /** The last commit that touched the source path (absent when none did). */
  readonly commit?: {
    readonly sha: string;
    readonly author: string;
    readonly email: string;
    /** Author date, ISO 8601. */
    readonly time: string;
  };
}

export interface AuditEntry {
  readonly generation: number;
  /** Publish time, ISO 8601. */
  readonly time: string;
  /** Sources whose update produced the generation (all of them for generation 1). */
  readonly sources: readonly string[];
  /** `sha256:<hex>` of the flag_configuration JSON served without a selector. */
  readonly hash: string;
  /** Flags in the generation. */
  readonly flags: number;
  readonly added: readonly FlagAudit[];
  readonly changed: readonly FlagAudit[];
  readonly removed: readonly FlagAudit[];
  /** Sources that are in a git work tree with at least one commit. */
  readonly git: readonly GitAudit[];
}

/** What the management server and embedders read from the trail. */
export interface AuditView {
  /** The most recent entries, oldest first (at most `limit`). */
  recent(limit?: number): readonly AuditEntry[];
  /** The same entries as JSON lines (what the `--audit-log` file holds). */
  recentLines(limit?: number): readonly string[];
  /** Called with each entry once it has been written. */
  subscribe(listener: (entry: AuditEntry) => void): () => void;
}
