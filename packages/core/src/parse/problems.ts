// Problems collected while parsing, before positions are known. `scope` decides what a problem
// rejects: the whole document, one flag (structure), or one flag's targeting.
import type { PathSegment } from '../internal/paths.js';

export type ProblemScope = 'document' | 'flag' | 'targeting' | 'dropped';

export interface Problem {
  severity: 'error' | 'warning';
  readonly code: string;
  readonly message: string;
  readonly scope: ProblemScope;
  readonly flagKey?: string;
  /** Printed path (as the targeting compiler gave it, or formatted from `segments`). */
  readonly path: string;
  readonly segments: readonly PathSegment[] | undefined;
  /** Set when the problem came with its own position (the compiler may know it). */
  readonly line?: number;
  readonly column?: number;
  readonly file?: string;
}

/** What a parse stage reports; `at` is the JSON path of the offending value. */
export interface ProblemSpec {
  /** Default 'error'. */
  readonly severity?: 'error' | 'warning';
  readonly code: string;
  readonly message: string;
  readonly scope: ProblemScope;
  readonly at: readonly PathSegment[];
  readonly flagKey?: string | undefined;
}

/** Records a problem and returns it (a flag keeps its first error as `error`). */
export type Report = (spec: ProblemSpec) => Problem;
