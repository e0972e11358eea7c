// The store: consumes the sources' updates (SourceUpdate, the one source seam), merges what they
// serve in order (later wins per flagSetId and key) into immutable generations, and tells its
// subscribers about every generation, every problem that appears or clears and every new warning.
// It knows no wire format: transports read a generation through its views.
import type { SourceProblem, SourceUpdate } from '@switchyard/sources';
import type { Diagnostic } from '../engine.js';
import { Generation } from './generation.js';
import { diffFlags, mergeSources } from './merge.js';
import type { Selector } from './selector.js';
import { SourceState } from './source-state.js';
import type { SourceStatus } from './source-state.js';
import { SnapshotMemory } from './view.js';
import type { FlagView } from './view.js';

export type StoreEvent =
  | { readonly type: 'generation'; readonly generation: Generation }
  /**
   * An entry of a source became unusable (or its reason changed). `serving`: the source still
   * serves flags (its last good content); false while it has never had usable content.
   */
  | {
      readonly type: 'problem';
      readonly source: string;
      readonly problem: SourceProblem;
      readonly serving: boolean;
    }
  | { readonly type: 'recovered'; readonly source: string; readonly entry: string }
  | {
      readonly type: 'warnings';
      readonly source: string;
      readonly warnings: readonly Diagnostic[];
    };

export interface GenerationStoreOptions {
  /** Source ids in merge order (later wins). */
  readonly sources: readonly string[];
}

export class GenerationStore {
  private readonly states: ReadonlyMap<string, SourceState>;
  private readonly listeners = new Set<(event: StoreEvent) => void>();
  /** Transports: told about a generation before the other listeners (logs, metrics, audit). */
  private readonly transports = new Set<(event: StoreEvent) => void>();
  private readonly snapshots = new SnapshotMemory();
  /** Served before the first publish: no flags, number 0; never published. */
  private readonly empty: Generation;
  private current: Generation | undefined;
  private started = false;

  constructor(options: GenerationStoreOptions) {
    this.states = new Map(options.sources.map((id) => [id, new SourceState(id)]));
    this.empty = new Generation({
      number: 0,
      flags: [],
      changes: { added: [], changed: [], removed: [] },
      sources: [],
      eventAt: undefined,
      previous: undefined,
      snapshots: this.snapshots,
    });
  }

  /** The current generation; undefined until the first one is published. */
  get generation(): Generation | undefined {
    return this.current;
  }

  /** The selector's view of the current generation (an empty view before the first). */
  view(selector: Selector): FlagView {
    return (this.current ?? this.empty).view(selector);
  }

  /**
   * Every source serves flags and the first generation is published. The daemon publishes it
   * only once every server listens, so this cannot be true while a client would be refused.
   */
  get ready(): boolean {
    return this.current !== undefined && this.unavailableSources().length === 0;
  }

  /** Ids of the sources that serve nothing (never had usable content). */
  unavailableSources(): string[] {
    return [...this.states.values()].filter((s) => s.configuration === undefined).map((s) => s.id);
  }

  status(): SourceStatus[] {
    return [...this.states.values()].map((s) => s.status());
  }

  /**
   * Calls `listener` with every store event, synchronously. `transport: true` is for listeners
   * that deliver to clients: they are called before all others, so the bytes they queue are not
   * held up by logging, metrics or the audit trail running first in the same tick.
   */
  subscribe(
    listener: (event: StoreEvent) => void,
    options: { readonly transport?: boolean } = {},
  ): () => void {
    const set = options.transport ? this.transports : this.listeners;
    set.add(listener);
    return () => set.delete(listener);
  }

  /**
   * Applies a source's update: publishes a generation when the merged flags changed, then
   * reports the problems that appeared or cleared and the new warnings.
   */
  apply(update: SourceUpdate): void {
    const state = this.states.get(update.sourceId);
    if (!state) return;
    const change = state.apply(update);
    if (change.configurationChanged && this.started) {
      this.publish([update.sourceId], update.eventAt);
    }
    const serving = state.configuration !== undefined;
    for (const problem of change.newProblems) {
      this.emit({ type: 'problem', source: state.id, problem, serving });
    }
    for (const entry of change.recovered) this.emit({ type: 'recovered', source: state.id, entry });
    if (change.newWarnings.length > 0) {
      this.emit({ type: 'warnings', source: state.id, warnings: change.newWarnings });
    }
  }

  /**
   * Publishes the first generation once every source made its first load attempt, from the
   * sources that serve flags. While none does there is nothing to publish (a generation of 0
   * flags would tell clients every flag was deleted): the first usable update publishes it.
   */
  start(): Generation | undefined {
    this.started = true;
    return this.publish([], undefined);
  }

  /** `sources`: the sources behind the change (the first generation names every serving one). */
  private publish(sources: readonly string[], eventAt: number | undefined): Generation | undefined {
    if (this.states.size > 0 && this.unavailableSources().length === this.states.size) {
      return undefined;
    }
    const flags = mergeSources([...this.states.values()].map((s) => [s.id, s.configuration]));
    const previous = this.current;
    const changes = diffFlags(previous?.flags ?? [], flags);
    const unchanged = changes.added.length + changes.changed.length + changes.removed.length === 0;
    if (previous !== undefined && unchanged) {
      this.markServed(previous.number);
      return undefined;
    }
    const generation = new Generation({
      number: (previous?.number ?? 0) + 1,
      flags,
      changes,
      sources: previous === undefined ? this.servingSources() : sources,
      eventAt,
      previous,
      snapshots: this.snapshots,
    });
    previous?.forgetPrevious();
    this.current = generation;
    this.markServed(generation.number);
    this.emit({ type: 'generation', generation });
    return generation;
  }

  private servingSources(): string[] {
    return [...this.states.values()].filter((s) => s.configuration !== undefined).map((s) => s.id);
  }

  /** Sources whose served flags changed are served from `generation` on. */
  private markServed(generation: number): void {
    for (const state of this.states.values()) state.markServed(generation);
  }

  private emit(event: StoreEvent): void {
    for (const listener of this.transports) listener(event);
    for (const listener of this.listeners) listener(event);
  }
}
