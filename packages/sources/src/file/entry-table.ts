// What a file source serves, entry by entry, across scans: each entry's last good document,
// its current problem (reported once it has held for the settle time), and for an entry that
// vanished from its directory, since when. Pure bookkeeping over scan results and a clock.
import type { SourceProblem } from '../flag-source.js';
import type { ParsedDocument } from '../parse-document.js';
import type { EntryFault } from './read-entry.js';

/** One entry as a scan saw it. */
export interface EntryOutcome {
  readonly name: string;
  readonly display: string;
  /** Accepted: its key (equal keys, equal content) and document. Else the problem. */
  readonly result:
    | { readonly key: string; readonly document: ParsedDocument }
    | { readonly problem: SourceProblem };
  /** False: the entry changed under the read; keep its previous state. */
  readonly stable: boolean;
}

export interface ScanOutcome {
  readonly rootProblem: SourceProblem | undefined;
  readonly entries: readonly EntryOutcome[];
}

export interface TableTiming {
  /** performance.now() of the scan. */
  readonly now: number;
  /** The first scan: problems are reported at once. */
  readonly initial: boolean;
  readonly settleMs: number;
  readonly deletionQuietMs: number;
}

interface Problem {
  readonly key: string;
  readonly problem: SourceProblem;
  readonly seenAt: number;
  reported: boolean;
}

interface Entry {
  readonly display: string;
  good: { readonly key: string; readonly document: ParsedDocument } | undefined;
  problem: Problem | undefined;
  /** performance.now() of the first scan that found the entry gone from its directory. */
  absentSince: number | undefined;
}

const problemKey = (p: SourceProblem) => `${p.entry}\0${p.code}\0${p.message}`;

/** Keeps `since` and the reported flag while the same problem persists. */
function track(previous: Problem | undefined, problem: SourceProblem, t: TableTiming): Problem {
  const key = problemKey(problem);
  if (previous?.key === key) return previous;
  return { key, problem, seenAt: t.now, reported: t.initial };
}

export function faultProblem(entry: string, fault: EntryFault): SourceProblem {
  return { code: fault.code, entry, message: `${entry}: ${fault.reason}`, since: Date.now() };
}

export class EntryTable {
  private readonly entries = new Map<string, Entry>();
  private root: Problem | undefined;

  apply(scan: ScanOutcome, t: TableTiming): void {
    if (scan.rootProblem) {
      // The whole source is unusable: every entry keeps what it had, nothing counts as deleted.
      this.root = track(this.root, scan.rootProblem, t);
      this.settle(t);
      return;
    }
    this.root = undefined;
    const seen = new Set<string>();
    for (const outcome of scan.entries) {
      seen.add(outcome.name);
      this.applyEntry(outcome, t);
    }
    for (const [name, entry] of this.entries) {
      if (seen.has(name)) continue;
      // Gone from its directory: a deletion, unless it comes back within the quiet period.
      entry.absentSince ??= t.now;
      if (entry.good === undefined || t.now - entry.absentSince >= t.deletionQuietMs) {
        this.entries.delete(name);
      }
    }
    this.settle(t);
  }

  private applyEntry(outcome: EntryOutcome, t: TableTiming): void {
    let entry = this.entries.get(outcome.name);
    if (entry === undefined) {
      entry = {
        display: outcome.display,
        good: undefined,
        problem: undefined,
        absentSince: undefined,
      };
      this.entries.set(outcome.name, entry);
    }
    entry.absentSince = undefined;
    if (!outcome.stable) return;
    if ('problem' in outcome.result) {
      entry.problem = track(entry.problem, outcome.result.problem, t);
    } else {
      entry.good = outcome.result;
      entry.problem = undefined;
    }
  }

  /** Problems that held still for the settle time are reported from now on. */
  private settle(t: TableTiming): void {
    for (const p of this.problems()) if (t.now - p.seenAt >= t.settleMs) p.reported = true;
  }

  private *problems(): Iterable<Problem> {
    if (this.root) {
      yield this.root;
      return;
    }
    for (const entry of this.entries.values()) if (entry.problem) yield entry.problem;
  }

  /** Accepted documents in entry-name order, each with its key. */
  served(): { readonly key: string; readonly document: ParsedDocument }[] {
    const names = [...this.entries.keys()].sort();
    return names.flatMap((name) => {
      const good = this.entries.get(name)!.good;
      return good ? [good] : [];
    });
  }

  /** Problems seen but still settling. */
  settling(): SourceProblem[] {
    return [...this.problems()].filter((p) => !p.reported).map((p) => p.problem);
  }

  /** Some file vanished from the directory less than the deletion quiet period ago. */
  get deletionPending(): boolean {
    return !this.root && [...this.entries.values()].some((e) => e.absentSince !== undefined);
  }

  /** Problems reported so far (the root's alone while the root is at fault). */
  reported(): SourceProblem[] {
    return [...this.problems()].filter((p) => p.reported).map((p) => p.problem);
  }

  /** The source as a whole is unusable now (reported or still settling). */
  get hasRootProblem(): boolean {
    return this.root !== undefined;
  }

  /** Whether some problem is still settling or some entry is waiting to count as deleted. */
  get pending(): boolean {
    return this.wakeAt(0, 0) !== undefined;
  }

  /** The earliest time a scan could change what is reported or served without an event. */
  wakeAt(settleMs: number, deletionQuietMs: number): number | undefined {
    let at: number | undefined;
    const earlier = (x: number) => {
      at = at === undefined ? x : Math.min(at, x);
    };
    for (const p of this.problems()) if (!p.reported) earlier(p.seenAt + settleMs);
    if (!this.root) {
      for (const e of this.entries.values()) {
        if (e.absentSince !== undefined) earlier(e.absentSince + deletionQuietMs);
      }
    }
    return at;
  }
}
