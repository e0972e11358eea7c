// What the store knows about one source: the flags it serves (from its latest SourceUpdate: each
// entry's current or last good content), the entries that are not usable right now, and what
// changed with each update, so that a problem is reported once when it appears and once when it
// clears, and a warning once per content.
import type { SourceProblem, SourceUpdate } from '@switchyard/sources';
import { formatDiagnostic } from '../engine.js';
import type { Diagnostic, FlagConfiguration } from '../engine.js';

/**
 * `ok`: every entry is usable. `degraded`: some entry is not, and the source still serves flags
 * (the last good content of that entry, the current content of the others). `unavailable`: the
 * source has never had usable content, so none of its flags are served.
 */
export type SourceHealth = 'ok' | 'degraded' | 'unavailable';

export interface SourceStatus {
  readonly source: string;
  readonly health: SourceHealth;
  /** Flags of the configuration it serves (before merging with the other sources). */
  readonly flags: number;
  /**
   * The generation that was current when the flags it serves last changed (the one holding its
   * last good content while it is degraded); undefined while it serves nothing.
   */
  readonly generation: number | undefined;
  /** Every entry currently not usable, with since when. */
  readonly problems: readonly SourceProblem[];
}

/** What one update changed, for the store's events. */
export interface SourceChange {
  readonly configurationChanged: boolean;
  /** Problems not reported before (a new entry, or a new code or message for it). */
  readonly newProblems: readonly SourceProblem[];
  /** Entries whose problem cleared. */
  readonly recovered: readonly string[];
  /** Warnings of the new content not reported before; rule errors of flags are not here. */
  readonly newWarnings: readonly Diagnostic[];
}

const problemKey = (p: SourceProblem) => `${p.entry}\u0000${p.code}\u0000${p.message}`;

/**
 * A flag's isolated rule error travels on the flag (`flag.error`) and is reported with the
 * generation that serves it; the other warnings are reported here.
 */
function warningsOutsideFlags(
  warnings: readonly Diagnostic[],
  configuration: FlagConfiguration | undefined,
): Map<string, Diagnostic> {
  const onFlags = new Set<string>();
  for (const flag of configuration?.flags ?? []) {
    if (flag.error !== undefined) onFlags.add(formatDiagnostic(flag.error));
  }
  const out = new Map<string, Diagnostic>();
  for (const warning of warnings) {
    const text = formatDiagnostic(warning);
    if (!onFlags.has(text)) out.set(text, warning);
  }
  return out;
}

export class SourceState {
  /** What the source contributes to publications (never content a publication check refused). */
  configuration: FlagConfiguration | undefined;
  problems: readonly SourceProblem[] = [];
  /**
   * Why the content of its latest update is not published (a publication check refused it; the
   * configuration before that update is served meanwhile). Cleared by the next update.
   */
  held: SourceProblem | undefined;
  generation: number | undefined;
  /** The configuration as of the last publish (or publish attempt). */
  private published: FlagConfiguration | undefined;
  private warnings = new Map<string, Diagnostic>();

  constructor(readonly id: string) {}

  apply(update: SourceUpdate): SourceChange {
    const configurationChanged = update.configuration !== this.configuration;
    const before = new Map(this.problems.map((p) => [problemKey(p), p]));
    const newProblems = update.problems.filter((p) => !before.has(problemKey(p)));
    const entries = new Set(update.problems.map((p) => p.entry));
    const recovered = [...new Set(this.problems.map((p) => p.entry))].filter(
      (entry) => !entries.has(entry),
    );
    let newWarnings: Diagnostic[] = [];
    if (configurationChanged) {
      const warnings = warningsOutsideFlags(update.warnings, update.configuration);
      newWarnings = [...warnings].filter(([text]) => !this.warnings.has(text)).map(([, w]) => w);
      this.warnings = warnings;
    }
    this.configuration = update.configuration;
    this.problems = update.problems;
    return { configurationChanged, newProblems, recovered, newWarnings };
  }

  /** A publish (or an attempt that found nothing changed) happened at `generation`. */
  markServed(generation: number): void {
    if (this.configuration === this.published) return;
    this.published = this.configuration;
    this.generation = generation;
  }

  status(): SourceStatus {
    const problems = this.held ? [...this.problems, this.held] : this.problems;
    return {
      source: this.id,
      health:
        this.configuration === undefined ? 'unavailable' : problems.length > 0 ? 'degraded' : 'ok',
      flags: this.configuration?.flags.length ?? 0,
      generation: this.configuration === undefined ? undefined : this.generation,
      problems,
    };
  }
}
