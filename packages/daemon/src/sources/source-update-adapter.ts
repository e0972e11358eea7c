// TEMPORARY: turns the updates of the daemon's current FileSource (a valid configuration, or one
// problem for the whole source) into the shared SourceUpdate of @switchyard/sources (the flags
// served, i.e. the last good configuration, plus the entries at fault). Deleted once the file
// sources of @switchyard/sources replace FileSource.
import type { FlagSource, SourceListener, SourceProblem, SourceUpdate } from '@switchyard/sources';
import type { FlagConfiguration } from '../engine.js';
import type { FlagSource as LegacySource, SourceUpdate as LegacyUpdate } from './types.js';

/** The entry a legacy problem is about: the file its diagnostics name, else the path it leads with. */
function entryOf(
  problem: Extract<LegacyUpdate, { kind: 'problem' }>['problem'],
  id: string,
): string {
  const file = problem.diagnostics?.find((d) => d.file !== undefined)?.file;
  if (file !== undefined) return file;
  const colon = problem.message.indexOf(': ');
  const lead = colon < 0 ? '' : problem.message.slice(0, colon);
  return lead.startsWith(id) ? lead : id;
}

export class SourceUpdateAdapter implements FlagSource {
  readonly id: string;
  private lastGood: FlagConfiguration | undefined;
  private problem: SourceProblem | undefined;

  constructor(
    private readonly legacy: LegacySource,
    readonly description: string,
  ) {
    this.id = legacy.id;
  }

  start(listener: SourceListener): Promise<void> {
    return this.legacy.start((update) => listener(this.translate(update)));
  }

  close(): Promise<void> {
    return this.legacy.close();
  }

  private translate(update: LegacyUpdate): SourceUpdate {
    if (update.kind === 'configuration') {
      this.lastGood = update.configuration;
      this.problem = undefined;
      return {
        sourceId: this.id,
        configuration: update.configuration,
        problems: [],
        warnings: update.warnings,
        eventAt: update.eventAt,
      };
    }
    const entry = entryOf(update.problem, this.id);
    const same = this.problem?.entry === entry && this.problem.code === update.problem.code;
    this.problem = {
      code: update.problem.code,
      entry,
      message: update.problem.message,
      diagnostics: update.problem.diagnostics,
      since: same ? this.problem!.since : Date.now(),
    };
    return {
      sourceId: this.id,
      configuration: this.lastGood,
      problems: [this.problem],
      warnings: [],
      eventAt: update.eventAt,
    };
  }
}
