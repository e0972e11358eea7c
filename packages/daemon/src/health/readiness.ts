// When the daemon is ready, in the two senses that matter. `complete`: every source serves
// flags (the API's `daemon.ready`). `gate`: clients may be answered; flagd holds sync calls until
// every source is loaded or a startup grace (5 s) has passed, so a provider does not first get
// the flags of some sources and a moment later the rest. /readyz follows the gate: see
// `status()` and packages/daemon/README.md "Health".
import type { GenerationStore } from '../store/generation-store.js';

/**
 * `starting`: no generation is served yet, or sources are still within the startup grace.
 * `ok`: a generation is served and every source serves its current content.
 * `degraded`: a generation is served, and some source has an entry it cannot use (its last good
 * content is served) or has never had usable content (its flags are missing).
 * `unavailable`: the startup grace is over and no source has ever had usable content.
 */
export type ReadinessStatus = 'starting' | 'ok' | 'degraded' | 'unavailable';

export interface ReadinessOptions {
  readonly store: GenerationStore;
  /** Longest the gate waits for every source to serve flags (flagd: 5 s). */
  readonly graceMs: number;
}

export class Readiness {
  /** Resolves once every source serves flags and the first generation is published. */
  readonly complete: Promise<void>;
  /** Resolves once clients may be answered: `complete`, or the startup grace is over. */
  readonly gate: Promise<void>;
  private graceOver = false;
  private readonly timer: NodeJS.Timeout;
  private readonly unsubscribe: () => void;
  private readonly store: GenerationStore;
  private readonly listeners = new Set<() => void>();

  constructor(options: ReadinessOptions) {
    this.store = options.store;
    let resolveComplete: () => void = () => {};
    this.complete = new Promise((resolve) => {
      resolveComplete = resolve;
    });
    this.unsubscribe = this.store.subscribe(() => {
      if (this.store.ready) resolveComplete();
      this.changed();
    });
    let resolveGrace: () => void = () => {};
    const grace = new Promise<void>((resolve) => {
      resolveGrace = resolve;
    });
    this.timer = setTimeout(() => {
      this.graceOver = true;
      resolveGrace();
      this.changed();
    }, options.graceMs);
    this.timer.unref();
    this.gate = Promise.race([this.complete, grace]);
  }

  /** True once clients are answered (the gate is open). */
  get open(): boolean {
    return this.graceOver || this.store.ready;
  }

  status(): ReadinessStatus {
    if (this.store.generation === undefined) return this.graceOver ? 'unavailable' : 'starting';
    if (!this.open) return 'starting';
    return this.store.status().every((s) => s.health === 'ok') ? 'ok' : 'degraded';
  }

  /** Calls `listener` whenever `status()` may have changed; returns the unsubscribe. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const listener of [...this.listeners]) listener();
  }

  /** Stops the grace timer and stops listening to the store. */
  close(): void {
    clearTimeout(this.timer);
    this.unsubscribe();
  }
}
