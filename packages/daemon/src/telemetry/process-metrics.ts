// Process and runtime metrics as OpenTelemetry observables, read when a reader collects. Named as
// the Prometheus client's defaults were (`process_resident_memory_bytes`, ...), so the dashboards
// and alerts built on the daemon's /metrics keep working; the subset kept is listed in
// docs/adr/0038.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Meter } from '@opentelemetry/api';

const STARTED_AT_SECONDS = Math.round(Date.now() / 1000 - process.uptime());

/** Registers the process gauges and counters on `meter`; returns what stops the delay monitor. */
export function observeProcess(meter: Meter): () => void {
  const cpuUser = meter.createObservableCounter('process_cpu_user_seconds_total', {
    description: 'Total user CPU time spent in seconds.',
  });
  const cpuSystem = meter.createObservableCounter('process_cpu_system_seconds_total', {
    description: 'Total system CPU time spent in seconds.',
  });
  const cpu = meter.createObservableCounter('process_cpu_seconds_total', {
    description: 'Total user and system CPU time spent in seconds.',
  });
  const started = meter.createObservableGauge('process_start_time_seconds', {
    description: 'Start time of the process since unix epoch in seconds.',
  });
  const resident = meter.createObservableGauge('process_resident_memory_bytes', {
    description: 'Resident memory size in bytes.',
  });
  const heapTotal = meter.createObservableGauge('nodejs_heap_size_total_bytes', {
    description: 'Process heap size from Node.js in bytes.',
  });
  const heapUsed = meter.createObservableGauge('nodejs_heap_size_used_bytes', {
    description: 'Process heap size used from Node.js in bytes.',
  });
  const external = meter.createObservableGauge('nodejs_external_memory_bytes', {
    description: 'Node.js external memory size in bytes.',
  });
  const lag = meter.createObservableGauge('nodejs_eventloop_lag_p99_seconds', {
    description: 'The 99th percentile of the recorded event loop delays.',
  });
  const delays = monitorEventLoopDelay({ resolution: 20 });
  delays.enable();
  meter.addBatchObservableCallback(
    (result) => {
      const usage = process.cpuUsage();
      const memory = process.memoryUsage();
      result.observe(cpuUser, usage.user / 1e6);
      result.observe(cpuSystem, usage.system / 1e6);
      result.observe(cpu, (usage.user + usage.system) / 1e6);
      result.observe(started, STARTED_AT_SECONDS);
      result.observe(resident, memory.rss);
      result.observe(heapTotal, memory.heapTotal);
      result.observe(heapUsed, memory.heapUsed);
      result.observe(external, memory.external);
      result.observe(lag, Number.isNaN(delays.percentile(99)) ? 0 : delays.percentile(99) / 1e9);
    },
    [cpuUser, cpuSystem, cpu, started, resident, heapTotal, heapUsed, external, lag],
  );
  return () => delays.disable();
}
