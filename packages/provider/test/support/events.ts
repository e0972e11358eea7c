// Records provider events so tests wait on them (never on fixed sleeps).
import { type OpenFeatureEventEmitter, ProviderEvents } from '@openfeature/server-sdk';

export interface RecordedEvent {
  readonly type: ProviderEvents;
  readonly details: Record<string, unknown>;
  readonly at: number;
}

export interface EventLog {
  readonly events: RecordedEvent[];
  /** Event types in order, e.g. ['PROVIDER_STALE', 'PROVIDER_ERROR']. */
  types(): string[];
  /** Resolves once `count` events of `type` have been recorded in total. */
  waitFor(type: ProviderEvents, count?: number): Promise<RecordedEvent>;
  stop(): void;
}

export function recordEvents(emitter: OpenFeatureEventEmitter): EventLog {
  const events: RecordedEvent[] = [];
  const waiters = new Set<() => void>();
  const handlers = Object.values(ProviderEvents).map((type) => {
    const handler = (details?: unknown) => {
      events.push({ type, details: (details ?? {}) as Record<string, unknown>, at: Date.now() });
      for (const w of [...waiters]) w();
    };
    emitter.addHandler(type, handler);
    return [type, handler] as const;
  });
  return {
    events,
    types: () => events.map((e) => e.type),
    waitFor(type, count = 1) {
      return new Promise((resolve) => {
        const check = () => {
          const matching = events.filter((e) => e.type === type);
          if (matching.length >= count) {
            waiters.delete(check);
            resolve(matching[count - 1]!);
          }
        };
        waiters.add(check);
        check();
      });
    },
    stop() {
      for (const [type, handler] of handlers) emitter.removeHandler(type, handler);
      waiters.clear();
    },
  };
}
