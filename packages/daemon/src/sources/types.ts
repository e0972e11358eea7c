// The source seam: one implementation per provider, each emitting parsed, validated
// configurations of one source (never raw text), or the reason it has none right now.
import type { Diagnostic, FlagConfiguration } from '../engine.js';

/** Why a source has no usable new configuration. */
export interface SourceProblem {
  /** MISSING: the path does not exist; UNREADABLE: I/O error; INVALID: parse or validation. */
  readonly code: 'MISSING' | 'UNREADABLE' | 'INVALID';
  /** One line, with file:line:col or JSON path when known. */
  readonly message: string;
  readonly diagnostics?: readonly Diagnostic[];
}

export type SourceUpdate =
  | {
      readonly kind: 'configuration';
      readonly sourceId: string;
      readonly configuration: FlagConfiguration;
      /** Warnings found while parsing (flags kept with unusable targeting, ...). */
      readonly warnings: readonly Diagnostic[];
      /** performance.now() of the first file event of the burst (undefined at startup). */
      readonly eventAt: number | undefined;
    }
  | {
      readonly kind: 'problem';
      readonly sourceId: string;
      readonly problem: SourceProblem;
      readonly eventAt: number | undefined;
    };

export interface FlagSource {
  readonly id: string;
  /** Starts watching; resolves once the first load attempt has been emitted. */
  start(listener: (update: SourceUpdate) => void): Promise<void>;
  /** Stops watching; no updates are emitted afterwards. */
  close(): Promise<void>;
}
