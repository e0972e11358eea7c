// Prometheus metrics (prom-client), one registry per daemon so several daemons can share a
// process (tests, embedding). flagd's own names differ (OTel conversions, flagd-daemon.md §6);
// these cover what an operator of a file-fed sync daemon asks: is it loading, how fast, how many.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface DaemonMetrics {
  readonly registry: Registry;
  readonly generations: Counter;
  readonly generation: Gauge;
  readonly loadErrors: Counter<'source' | 'code'>;
  readonly sourceReady: Gauge<'source'>;
  readonly activeStreams: Gauge;
  readonly flagsLoaded: Gauge;
  readonly publishLatency: Histogram;
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
      help: '1 once the source applied a first valid configuration',
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
  };
}
