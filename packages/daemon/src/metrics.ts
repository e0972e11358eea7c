// Prometheus metrics (prom-client), one registry per daemon so several daemons can share a
// process (tests, embedding). flagd's own names differ (OpenTelemetry conversions,
// https://flagd.dev/reference/monitoring/); these cover what an operator of a file-fed sync daemon
// asks: is it loading, is every source healthy, how fast, how many.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { GenerationStore, StoreEvent } from './store/generation-store.js';
import { newRuleErrors, ruleErrorsOf } from './store/rule-errors.js';
import type { UsageStore } from './usage/usage-store.js';

export interface DaemonMetrics {
  readonly registry: Registry;
  readonly generations: Counter;
  readonly generation: Gauge;
  readonly loadErrors: Counter<'source' | 'code'>;
  readonly sourceReady: Gauge<'source'>;
  readonly sourceHealthy: Gauge<'source'>;
  readonly ruleErrorFlags: Gauge<'source'>;
  readonly ruleErrors: Counter<'source'>;
  readonly activeStreams: Gauge;
  readonly flagsLoaded: Gauge;
  readonly publishLatency: Histogram;
  /** Evaluations providers reported (switchyard.usage.v1), bounded by the usage store's limits. */
  readonly flagEvaluations: Counter<'flag_key' | 'flag_set_id' | 'variant' | 'reason'>;
  readonly usageReports: Counter<'result'>;
}

export function createMetrics(): DaemonMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    generations: new Counter({
      name: 'switchyard_generations_published_total',
      help: 'Flag configuration generations published to subscribers',
      registers,
    }),
    generation: new Gauge({
      name: 'switchyard_generation',
      help: 'Number of the current generation',
      registers,
    }),
    loadErrors: new Counter({
      name: 'switchyard_source_load_errors_total',
      help: 'Source loads rejected (missing, unreadable or invalid); the last good flags stay served',
      labelNames: ['source', 'code'],
      registers,
    }),
    sourceReady: new Gauge({
      name: 'switchyard_source_ready',
      help: '1 while the source serves flags (it has had usable content since start)',
      labelNames: ['source'],
      registers,
    }),
    sourceHealthy: new Gauge({
      name: 'switchyard_source_healthy',
      help: '1 while every entry of the source is usable; 0 while one is missing, unreadable or invalid (its last good content is served)',
      labelNames: ['source'],
      registers,
    }),
    ruleErrorFlags: new Gauge({
      name: 'switchyard_flags_with_rule_errors',
      help: 'Flags of the current generation served with an isolated rule error (evaluating them gives PARSE_ERROR)',
      labelNames: ['source'],
      registers,
    }),
    ruleErrors: new Counter({
      name: 'switchyard_flag_rule_errors_total',
      help: 'Flags published (added or changed) with an isolated rule error',
      labelNames: ['source'],
      registers,
    }),
    activeStreams: new Gauge({
      name: 'switchyard_sync_active_streams',
      help: 'Open flagd.sync.v1 SyncFlags streams',
      registers,
    }),
    flagsLoaded: new Gauge({
      name: 'switchyard_flags_loaded',
      help: 'Flags in the current generation (after merging)',
      registers,
    }),
    publishLatency: new Histogram({
      name: 'switchyard_publish_latency_seconds',
      help: 'Time from the first file event of a burst to the generation being published',
      buckets: [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    flagEvaluations: new Counter({
      name: 'switchyard_flag_evaluations_total',
      help: 'Flag evaluations reported by providers since the daemon started, by variant ("" = the caller\'s default) and reason',
      labelNames: ['flag_key', 'flag_set_id', 'variant', 'reason'],
      registers,
    }),
    usageReports: new Counter({
      name: 'switchyard_usage_reports_total',
      help: 'Usage reports received from providers: counted, repeat (a retried batch, counted once) or rejected (malformed)',
      labelNames: ['result'],
      registers,
    }),
  };
}

function onGeneration(metrics: DaemonMetrics, store: GenerationStore, event: StoreEvent): void {
  if (event.type !== 'generation') return;
  const g = event.generation;
  metrics.generations.inc();
  metrics.generation.set(g.number);
  metrics.flagsLoaded.set(g.flags.length);
  if (g.eventAt !== undefined) metrics.publishLatency.observe((g.publishedAt - g.eventAt) / 1000);
  const flagged = ruleErrorsOf(g);
  for (const s of store.status()) {
    metrics.ruleErrorFlags.set({ source: s.source }, flagged.get(s.source)?.length ?? 0);
  }
  for (const m of newRuleErrors(g)) metrics.ruleErrors.inc({ source: m.sourceId });
}

/** Keeps the metrics current with the store's events. */
export function observeStore(store: GenerationStore, metrics: DaemonMetrics): () => void {
  const sourceGauges = () => {
    for (const s of store.status()) {
      metrics.sourceReady.set({ source: s.source }, s.health === 'unavailable' ? 0 : 1);
      metrics.sourceHealthy.set({ source: s.source }, s.health === 'ok' ? 1 : 0);
    }
  };
  sourceGauges();
  for (const s of store.status()) {
    metrics.ruleErrorFlags.set({ source: s.source }, 0);
    metrics.ruleErrors.inc({ source: s.source }, 0);
  }
  return store.subscribe((event) => {
    onGeneration(metrics, store, event);
    if (event.type === 'problem') {
      metrics.loadErrors.inc({ source: event.source, code: event.problem.code });
    }
    sourceGauges();
  });
}

/** Counts the evaluations providers report (the store bounds the label values). */
export function observeUsage(usage: UsageStore, metrics: DaemonMetrics): () => void {
  return usage.subscribe((change) => {
    for (const c of change.counted) {
      metrics.flagEvaluations.inc(
        { flag_key: c.key, flag_set_id: c.flagSetId ?? '', variant: c.variant, reason: c.reason },
        c.count,
      );
    }
  });
}
