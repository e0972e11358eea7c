// Merges the sources in order (later wins per (flagSetId, key), like flagd's store priority)
// into immutable generations, and serialises each generation's payload once per selector.
import { performance } from 'node:perf_hooks';
import { preEncoded } from '@switchyard/protocol';
import type { PreEncoded } from '@switchyard/protocol';
import type { FlagConfiguration, JsonObject } from '../engine.js';
import type { SourceProblem, SourceUpdate } from '@switchyard/sources';
import { Fragments, payloadJson } from './payload.js';
import type { MergedFlag } from './payload.js';
import { selectorKey } from './selector.js';
import { encodeSyncMessage } from './sync-message.js';
import type { Selector } from './selector.js';

export interface FlagChangeSet {
  readonly added: readonly string[];
  readonly changed: readonly string[];
  readonly removed: readonly string[];
}

/** One selector's view of a generation, serialised once for every stream that shares it. */
export interface Payload {
  readonly json: string;
  /** SyncFlagsResponse bytes (flag_configuration + sync_context). */
  readonly syncMessage: PreEncoded;
}

export interface Generation {
  readonly number: number;
  readonly flags: readonly MergedFlag[];
  readonly changes: FlagChangeSet;
  /** Sources whose update produced this generation (all sources for the first one). */
  readonly sources: readonly string[];
  /** performance.now() of the file event behind it, when there was one. */
  readonly eventAt: number | undefined;
  readonly publishedAt: number;
  payload(selector: Selector): Payload;
}

export interface SourceStatus {
  readonly source: string;
  /** A first valid configuration has been applied. */
  readonly ready: boolean;
  readonly flags: number;
  /** The first current problem; cleared when the source is healthy again. */
  readonly problem: SourceProblem | undefined;
}

interface SourceState {
  configuration: FlagConfiguration | undefined;
  problems: readonly SourceProblem[];
}

export type StoreEvent =
  | { readonly type: 'generation'; readonly generation: Generation }
  | { readonly type: 'problem'; readonly source: string; readonly problem: SourceProblem }
  | { readonly type: 'recovered'; readonly source: string }
  | { readonly type: 'warnings'; readonly source: string; readonly update: SourceUpdate };

const problemKey = (p: SourceProblem) => `${p.entry}\u0000${p.code}\u0000${p.message}`;

const identity = (m: MergedFlag) => `${m.flag.flagSetId ?? ''}\u0000${m.flag.key}`;

export class GenerationStore {
  private readonly states = new Map<string, SourceState>();
  private readonly listeners = new Set<(event: StoreEvent) => void>();
  /** Transports: told about a generation before the other listeners (logs, metrics, audit). */
  private readonly transports = new Set<(event: StoreEvent) => void>();
  private current: Generation | undefined;
  private started = false;
  private detachPrevious: (() => void) | undefined;
  private fragments: Fragments | undefined;

  constructor(
    private readonly sourceIds: readonly string[],
    private readonly syncContext: JsonObject,
  ) {
    for (const id of sourceIds) this.states.set(id, { configuration: undefined, problems: [] });
  }

  get generation(): Generation | undefined {
    return this.current;
  }

  /**
   * Every source applied a valid configuration and the first generation is published. The
   * daemon publishes it only once every server listens, so `/readyz` cannot answer 200 while a
   * client would still be refused (sources load concurrently with the servers starting).
   */
  get ready(): boolean {
    return (
      this.current !== undefined &&
      [...this.states.values()].every((s) => s.configuration !== undefined)
    );
  }

  status(): SourceStatus[] {
    return this.sourceIds.map((source) => {
      const state = this.states.get(source)!;
      return {
        source,
        ready: state.configuration !== undefined,
        flags: state.configuration?.flags.length ?? 0,
        problem: state.problems[0],
      };
    });
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

  /** Applies a source update; publishes a generation when the merged flags changed. */
  apply(update: SourceUpdate): void {
    const state = this.states.get(update.sourceId);
    if (!state) return;
    // An update carries every current problem: announce the new ones, and the recovery.
    const known = new Set(state.problems.map(problemKey));
    for (const problem of update.problems) {
      if (!known.has(problemKey(problem))) {
        this.emit({ type: 'problem', source: update.sourceId, problem });
      }
    }
    const recovered = state.problems.length > 0 && update.problems.length === 0;
    state.problems = update.problems;
    if (recovered) this.emit({ type: 'recovered', source: update.sourceId });
    // The same configuration object means the served flags did not change.
    if (update.configuration === undefined || update.configuration === state.configuration) return;
    state.configuration = update.configuration;
    if (update.warnings.length > 0)
      this.emit({ type: 'warnings', source: update.sourceId, update });
    if (this.started) this.publish([update.sourceId], update.eventAt);
  }

  /** Publishes the first generation, once every source made its first load attempt. */
  start(): Generation {
    this.started = true;
    return this.publish([...this.sourceIds], undefined, true)!;
  }

  private merge(): MergedFlag[] {
    const merged = new Map<string, MergedFlag>();
    for (const sourceId of this.sourceIds) {
      const configuration = this.states.get(sourceId)?.configuration;
      if (!configuration) continue;
      for (const flag of configuration.flags) {
        const entry = { flag, sourceId };
        const id = identity(entry);
        merged.delete(id);
        merged.set(id, entry);
      }
    }
    return [...merged.values()];
  }

  private publish(
    sources: string[],
    eventAt: number | undefined,
    force = false,
  ): Generation | undefined {
    const flags = this.merge();
    const changes = diff(this.current?.flags ?? [], flags);
    if (!force && changes.added.length + changes.changed.length + changes.removed.length === 0) {
      return undefined;
    }
    const previous = this.current;
    this.fragments = new Fragments(this.fragments);
    const { generation, detach } = createGeneration({
      fragments: this.fragments,
      number: (previous?.number ?? 0) + 1,
      flags,
      changes,
      sources,
      eventAt,
      previous,
      syncContext: this.syncContext,
    });
    this.detachPrevious?.();
    this.detachPrevious = detach;
    this.current = generation;
    this.emit({ type: 'generation', generation });
    return generation;
  }

  private emit(event: StoreEvent): void {
    for (const listener of this.transports) listener(event);
    for (const listener of this.listeners) listener(event);
  }
}

function diff(before: readonly MergedFlag[], after: readonly MergedFlag[]): FlagChangeSet {
  const old = new Map(before.map((m) => [identity(m), m]));
  const added = new Set<string>();
  const changed = new Set<string>();
  const removed = new Set<string>();
  for (const m of after) {
    const id = identity(m);
    const was = old.get(id);
    old.delete(id);
    if (!was) added.add(m.flag.key);
    else if (was.flag.contentHash !== m.flag.contentHash || was.sourceId !== m.sourceId)
      changed.add(m.flag.key);
  }
  for (const m of old.values()) removed.add(m.flag.key);
  return { added: [...added], changed: [...changed], removed: [...removed] };
}

interface GenerationInit {
  fragments: Fragments;
  number: number;
  flags: MergedFlag[];
  changes: FlagChangeSet;
  sources: string[];
  eventAt: number | undefined;
  previous: Generation | undefined;
  syncContext: JsonObject;
}

function select(flags: readonly MergedFlag[], selector: Selector): readonly MergedFlag[] {
  switch (selector.kind) {
    case 'all':
      return flags;
    case 'flagSetId':
      return flags.filter((m) => m.flag.flagSetId === selector.flagSetId);
    case 'source':
      return flags.filter((m) => m.sourceId === selector.source);
  }
}

/** `detach()` drops the link to the previous generation, so only one is ever retained. */
function createGeneration(init: GenerationInit): { generation: Generation; detach: () => void } {
  const cache = new Map<string, Payload>();
  // The payload closure must not capture `init`: `init.previous` would chain every generation
  // to its predecessor for ever (detach() only clears the local below).
  const { flags, syncContext, fragments } = init;
  let previous = init.previous;
  const generation: Generation = {
    number: init.number,
    flags: init.flags,
    changes: init.changes,
    sources: init.sources,
    eventAt: init.eventAt,
    publishedAt: performance.now(),
    payload(selector) {
      const key = selectorKey(selector);
      let payload = cache.get(key);
      if (payload === undefined) {
        const json = payloadJson(select(flags, selector), fragments);
        // Reuse the previous generation's object when this selector's view did not change:
        // streams compare payloads by identity and skip re-sending an unchanged one.
        const before = previous?.payload(selector);
        payload =
          before && before.json === json
            ? before
            : {
                json,
                syncMessage: preEncoded(encodeSyncMessage(json, syncContext)),
              };
        cache.set(key, payload);
      }
      return payload;
    },
  };
  return {
    generation,
    detach: () => {
      previous = undefined;
      fragments.detach();
    },
  };
}
