// The store: consumes the sources' updates (SourceUpdate, the one source seam), merges what they
// serve in order (later wins per flagSetId and key) into immutable generations, and tells its
// subscribers about every generation, every problem that appears or clears and every new warning.
// It knows no wire format: transports read a generation through its views, and may refuse one
// before it is published (publication checks: the sync payload over --max-msg-size), in which
// case the content behind it is held back and reported, and the last good flags stay served.
import type { SourceProblem, SourceProblemCode, SourceUpdate } from '@switchyard/sources';
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

/** Why a transport cannot serve a candidate generation (it is then not published). */
export interface PublicationRefusal {
  readonly code: SourceProblemCode;
  /** One line: what is over which limit. */
  readonly message: string;
}

/** A transport's check of a candidate generation; undefined lets it be published. */
export type PublicationCheck = (candidate: Generation) => PublicationRefusal | undefined;

export interface GenerationStoreOptions {
  /** Source ids in merge order (later wins). */
  readonly sources: readonly string[];
}

export class GenerationStore {
  private readonly states: ReadonlyMap<string, SourceState>;
  private readonly listeners = new Set<(event: StoreEvent) => void>();
  /** Transports: told about a generation before the other listeners (logs, metrics, audit). */
  private readonly transports = new Set<(event: StoreEvent) => void>();
  private readonly checks = new Set<PublicationCheck>();
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

  /** Adds a check every candidate generation must pass before it is published. */
  check(check: PublicationCheck): () => void {
    this.checks.add(check);
    return () => this.checks.delete(check);
  }

  /**
   * Applies a source's update: publishes a generation when the merged flags changed, then
   * reports the problems that appeared or cleared and the new warnings. When a publication
   * check refuses the result, the source keeps serving what it served before the update, and the
   * refusal is reported as one of its problems until a later update is published.
   */
  apply(update: SourceUpdate): void {
    const state = this.states.get(update.sourceId);
    if (!state) return;
    const before = state.configuration;
    const heldBefore = state.held;
    state.held = undefined;
    const change = state.apply(update);
    if (change.configurationChanged && this.started) {
      const refused = this.publish([update.sourceId], update.eventAt);
      if (refused !== undefined) this.hold(state, refused, before);
    }
    const serving = state.configuration !== undefined;
    const problems = state.held ? [...change.newProblems, state.held] : change.newProblems;
    for (const problem of problems) {
      if (problem === state.held && heldBefore && sameProblem(heldBefore, problem)) {
        state.held = heldBefore; // the same refusal as before: reported once, `since` unchanged
        continue;
      }
      this.emit({ type: 'problem', source: state.id, problem, serving });
    }
    const heldCleared =
      heldBefore !== undefined &&
      state.held === undefined &&
      !update.problems.some((p) => p.entry === heldBefore.entry);
    const recovered = heldCleared ? [...change.recovered, heldBefore.entry] : change.recovered;
    for (const entry of new Set(recovered))
      this.emit({ type: 'recovered', source: state.id, entry });
    if (change.newWarnings.length > 0) {
      this.emit({ type: 'warnings', source: state.id, warnings: change.newWarnings });
    }
  }

  /**
   * Publishes the first generation once every source made its first load attempt, from the
   * sources that serve flags. While none does there is nothing to publish (a generation of 0
   * flags would tell clients every flag was deleted): the first usable update publishes it. When
   * a publication check refuses all of them together, they are added one at a time in merge order
   * and each one that does not fit is held back and reported.
   */
  start(): Generation | undefined {
    this.started = true;
    if (this.publish([], undefined) === undefined) return this.current;
    const serving = [...this.states.values()].filter((s) => s.configuration !== undefined);
    const contents = serving.map((s) => s.configuration);
    for (const s of serving) s.configuration = undefined;
    for (const [i, s] of serving.entries()) {
      s.configuration = contents[i];
      const candidate = this.candidate([], undefined);
      const refused = candidate && this.refusal(candidate);
      if (refused) {
        this.hold(s, refused, undefined);
        this.emit({ type: 'problem', source: s.id, problem: s.held!, serving: false });
      }
    }
    this.publish([], undefined);
    return this.current;
  }

  /** The source serves `served` again; `refusal` is reported as one of its problems. */
  private hold(
    state: SourceState,
    refusal: PublicationRefusal,
    served: SourceState['configuration'],
  ): void {
    state.configuration = served;
    state.held = {
      code: refusal.code,
      entry: state.id,
      message: refusal.message,
      since: Date.now(),
    };
  }

  /**
   * Publishes the merged flags of every source as the next generation, unless they are
   * unchanged or a publication check refuses them (then it returns the refusal and nothing
   * changes). `sources`: the sources behind the change (the first generation names every
   * serving one).
   */
  private publish(
    sources: readonly string[],
    eventAt: number | undefined,
  ): PublicationRefusal | undefined {
    const candidate = this.candidate(sources, eventAt);
    if (candidate === undefined) return undefined;
    const refused = this.refusal(candidate);
    if (refused !== undefined) return refused;
    this.current?.forgetPrevious();
    this.current = candidate;
    this.markServed(candidate.number);
    this.emit({ type: 'generation', generation: candidate });
    return undefined;
  }

  /** The next generation from what the sources serve now; undefined when nothing changed. */
  private candidate(
    sources: readonly string[],
    eventAt: number | undefined,
  ): Generation | undefined {
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
    return new Generation({
      number: (previous?.number ?? 0) + 1,
      flags,
      changes,
      sources: previous === undefined ? this.servingSources() : sources,
      eventAt,
      previous,
      snapshots: this.snapshots,
    });
  }

  private refusal(candidate: Generation): PublicationRefusal | undefined {
    for (const check of this.checks) {
      const refused = check(candidate);
      if (refused !== undefined) return refused;
    }
    return undefined;
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

const sameProblem = (a: SourceProblem, b: SourceProblem) =>
  a.code === b.code && a.entry === b.entry && a.message === b.message;
