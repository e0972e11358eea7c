// The per-scenario state shared by all step definitions, and the seams that let one step
// library drive any flag evaluator: our core, our OpenFeature provider, or the official one.
import type { GherkinType, ValueType } from './cells.js';

/** One resolution, shaped like OpenFeature's `EvaluationDetails` (strings, not enums). */
export interface FlagDetails {
  readonly value: unknown;
  readonly variant?: string | undefined;
  readonly reason?: string | undefined;
  readonly errorCode?: string | undefined;
  readonly errorMessage?: string | undefined;
  readonly flagMetadata: Readonly<Record<string, unknown>>;
}

export type EvaluationContextLike = Record<string, unknown>;

/** Events the testbed steps talk about (`a ready event handler`, `a change event was fired`). */
export type FlagEventKind = 'ready' | 'error' | 'stale' | 'change';

export interface FlagEvent {
  readonly kind: FlagEventKind;
  /** `flagsChanged` of a change event. */
  readonly flagsChanged?: readonly string[];
  /** Error code of an error event (e.g. PROVIDER_FATAL), when the source reports one. */
  readonly errorCode?: string;
  readonly message?: string;
}

/**
 * What a step needs from "the thing that evaluates flags". Implemented by
 * adapters/core-evaluator.ts (no events) and adapters/openfeature-client.ts (a `Client` from
 * @openfeature/server-sdk, with events and status).
 */
export interface FlagClient {
  evaluateDetails(
    type: ValueType,
    key: string,
    defaultValue: unknown,
    context: EvaluationContextLike,
  ): FlagDetails | Promise<FlagDetails>;
  /** Subscribe to provider events; returns an unsubscribe function. */
  onEvent?(kind: FlagEventKind, handler: (event: FlagEvent) => void): () => void;
  /** Provider status as OpenFeature spells it (`READY`, `STALE`, `ERROR`, `FATAL`, ...). */
  status?(): string;
  /** Released after the scenario (close the provider, stop streams). */
  close?(): void | Promise<void>;
}

/** The flag under test (`a String-flag with key "x" and a default value "y"`). */
export interface FlagUnderTest {
  readonly type: GherkinType;
  readonly valueType: ValueType;
  readonly key: string;
  readonly defaultValue: unknown;
}

/** A recorded event with its arrival order. */
export interface RecordedEvent extends FlagEvent {
  readonly seq: number;
  readonly at: number;
}

export type Cleanup = () => void | Promise<void>;

export class World {
  /** Set by `an evaluator` or `a <kind> flagd provider`. */
  client: FlagClient | undefined;
  flag: FlagUnderTest | undefined;
  readonly context: EvaluationContextLike = {};
  details: FlagDetails | undefined;
  /** Options from `an option "<name>" of type "<Type>" with value "<v>"`, typed. */
  readonly options: Record<string, unknown> = {};
  /** Result of `a config was initialized` (the fixture's resolved configuration) ... */
  config: Readonly<Record<string, unknown>> | undefined;
  /** ... or the error it threw. */
  configError: unknown;
  /** Events recorded by `a <kind> event handler`, in arrival order. */
  readonly events: RecordedEvent[] = [];
  /** Events already claimed by `... was fired` / `... should have been executed` steps. */
  eventCursor = 0;
  /** The event claimed last (for `the flag should be part of the event payload`). */
  lastEvent: RecordedEvent | undefined;
  /** Free-form state for suite-specific steps (keyed by the suite's own names). */
  readonly bag = new Map<string, unknown>();
  private readonly cleanups: Cleanup[] = [];
  private seq = 0;

  /** Runs `fn` after the scenario, in reverse registration order, even when it failed. */
  defer(fn: Cleanup): void {
    this.cleanups.push(fn);
  }

  /** Sets an environment variable for this scenario only. */
  setEnv(name: string, value: string | undefined): void {
    const had = Object.hasOwn(process.env, name);
    const previous = process.env[name];
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
    this.defer(() => {
      if (had) process.env[name] = previous;
      else delete process.env[name];
    });
  }

  recordEvent(event: FlagEvent): void {
    this.seq += 1;
    this.events.push({ ...event, seq: this.seq, at: Date.now() });
    for (const waiter of [...this.waiters]) waiter();
  }

  private readonly waiters = new Set<() => void>();

  /**
   * Waits for the first event of `kind` after the cursor, claims it (moving the cursor past
   * it) and returns it; rejects after `timeoutMs`. Claiming in order makes a chain such as
   * stale → error → ready fail when the events arrive in another order.
   */
  waitForEvent(kind: FlagEventKind, timeoutMs: number): Promise<RecordedEvent> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.events.find((e) => e.kind === kind && e.seq > this.eventCursor);
        if (!found) return false;
        this.eventCursor = found.seq;
        this.lastEvent = found;
        return true;
      };
      if (check()) {
        resolve(this.lastEvent!);
        return;
      }
      const waiter = (): void => {
        if (check()) {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(this.lastEvent!);
        }
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        const seen = this.events.map((e) => `${e.seq}:${e.kind}`).join(', ') || 'none';
        reject(
          new Error(
            `no ${kind} event within ${timeoutMs} ms after event #${this.eventCursor} (events: ${seen})`,
          ),
        );
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** Runs the deferred cleanups; the first error is rethrown after all have run. */
  async dispose(): Promise<void> {
    let first: unknown;
    while (this.cleanups.length > 0) {
      const fn = this.cleanups.pop()!;
      try {
        await fn();
      } catch (error) {
        first ??= error;
      }
    }
    if (first !== undefined) throw first;
  }
}

/** Provider kinds of `a <kind> flagd provider` (the testbed's `Given` steps). */
export type ProviderKind =
  | 'stable'
  | 'ssl'
  | 'socket'
  | 'unavailable'
  | 'forbidden'
  | 'metadata'
  | 'syncpayload';

/**
 * What a provider suite plugs into the shared steps. Every member is optional: a step whose
 * hook is missing fails with a message naming the hook, so a suite never passes by accident.
 */
export interface SuiteFixture {
  /** `an evaluator`: an in-memory evaluator over the suite's flag file. */
  createEvaluator?(world: World): FlagClient | Promise<FlagClient>;
  /**
   * `a <kind> flagd provider`: build the provider from `world.options` plus test defaults,
   * register it, and wait for READY except for `unavailable` and `forbidden`. Register the
   * client's cleanup with `world.defer` or implement `FlagClient.close`.
   */
  createProvider?(kind: ProviderKind, world: World): FlagClient | Promise<FlagClient>;
  /** `the connection is lost for <N>s` (launchpad `/restart?seconds=N`; returns at once). */
  restart?(seconds: number, world: World): void | Promise<void>;
  /** `the flag was modified` (launchpad `/change`; resolves once the change is served). */
  change?(world: World): void | Promise<void>;
  /**
   * `a config was initialized`: resolve the provider configuration from `world.options` and
   * the environment; return the option values by their testbed names (resolver, host, port,
   * ...), or throw for an invalid configuration (`we should have an error`).
   */
  initializeConfig?(
    options: Readonly<Record<string, unknown>>,
    world: World,
  ): Readonly<Record<string, unknown>> | Promise<Readonly<Record<string, unknown>>>;
  /** Called once per scenario before the first step (e.g. reset shared launchpad state). */
  beforeScenario?(world: World): void | Promise<void>;
}
