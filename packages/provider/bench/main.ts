// Provider benchmark: run by `pnpm --filter @switchyard/openfeature-provider bench`
// (bench/run.mjs), never by tests. Same process, same flags for every provider:
//   1. OpenFeature client calls through SwitchyardProvider vs a no-op provider (the SDK's floor)
//      vs @openfeature/flagd-provider in file mode — target: ours ≤ 1.05× the floor;
//   2. direct resolve*Evaluation calls, ours vs the official provider — target: ≥ 4× faster;
//   3. cold start from a persisted last-known-good of 1,000 flags, daemon absent — ≤ 50 ms;
//   4. reconnect after a SIGKILL of a real daemon, 200 clients in 4 processes, ours vs the
//      official provider (bench/reconnect.ts) — target: every client of ours holds the new
//      value within 3 s of /readyz 200, and no evaluation returns a default meanwhile;
//   5. usage reporting's cost on evaluation: the same calls with and without reportUsage, in the
//      same run — target: one counter increment, ≤ 20 ns more per call, no I/O on the call;
//   6. RPC mode: resolve latency against a real daemon's evaluation port (a child process), ours
//      vs the official provider in RPC mode, cache off and on — target: ours no slower.
// `--readme` rewrites the tables in README.md between the bench markers; `--quick` runs shorter;
// `--only=evaluation`, `--only=usage`, `--only=reconnect` or `--only=rpc` runs one part;
// `--outage-ms=N` sets how long the daemon stays down before the restart (default 3000).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FlagdProvider } from '@openfeature/flagd-provider';
import { type Client, NOOP_PROVIDER, OpenFeature, type Provider } from '@openfeature/server-sdk';
import { SwitchyardProvider } from '../src/index.js';
import { createEvaluator } from '@switchyard/core';
import { silentLogger } from '../test/support/flags.js';
import { TestSyncServer } from '../test/support/sync-server.js';
import { BenchDaemon, daemonPorts } from './daemon.js';
import { benchContext, benchFlags } from './fixtures.js';
import { measureReconnect, type ReconnectOptions, reconnectTable } from './reconnect.js';

const quick = process.argv.includes('--quick');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const BATCH = 200; // calls per sample: keeps timer resolution out of sub-microsecond results
const logger = silentLogger();

interface Row {
  readonly name: string;
  /** Median over rounds. */
  readonly nsPerCall: number;
  /** One p50 per round. */
  readonly values: number[];
}

const ROUNDS = quick ? 3 : 9;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * Runs every task once per round, ROUNDS times, interleaved, and keeps each task's per-round
 * p50. Interleaving spreads GC pressure and CPU frequency drift over all tasks alike, which
 * matters when the differences sought (a few percent) are smaller than run-to-run noise.
 */
async function measure(
  tasks: Record<string, () => Promise<unknown>>,
  afterRound?: () => Promise<void>,
): Promise<Row[]> {
  const { Bench } = await import('tinybench');
  const samples = new Map<string, number[]>(Object.keys(tasks).map((n) => [n, []]));
  for (let round = 0; round < ROUNDS; round++) {
    const bench = new Bench({ time: quick ? 200 : 600, warmupTime: quick ? 50 : 200 });
    const names = Object.keys(tasks);
    if (round % 2 === 1) names.reverse();
    for (const name of names) {
      const fn = tasks[name]!;
      bench.add(name, async () => {
        for (let i = 0; i < BATCH; i++) await fn();
      });
    }
    await bench.run();
    for (const task of bench.tasks) {
      const result = task.result;
      if (result.state !== 'completed') throw new Error(`${task.name}: ${result.state}`);
      samples.get(task.name)!.push((result.latency.p50 * 1e6) / BATCH);
    }
    await afterRound?.();
  }
  return [...samples].map(([name, values]) => ({ name, nsPerCall: median(values), values }));
}

const nsOf = (rows: Row[], name: string) => rows.find((r) => r.name === name)!.nsPerCall;

/** Median over rounds of the per-round ratio a/b (both measured in the same round). */
function ratio(rows: Row[], a: string, b: string): number {
  const x = rows.find((r) => r.name === a)!.values;
  const y = rows.find((r) => r.name === b)!.values;
  return median(x.map((v, i) => v / y[i]!));
}

const constantProvider: Provider = {
  metadata: { name: 'constant' },
  runsOn: 'server',
  resolveBooleanEvaluation: () => Promise.resolve({ value: true, reason: 'STATIC' }),
  resolveStringEvaluation: () => Promise.resolve({ value: 'x', reason: 'STATIC' }),
  resolveNumberEvaluation: () => Promise.resolve({ value: 1, reason: 'STATIC' }),
  resolveObjectEvaluation: <T>() => Promise.resolve({ value: {} as T, reason: 'STATIC' }),
};

async function clientCalls(ours: Provider, official: Provider): Promise<Row[]> {
  await OpenFeature.setProviderAndWait('noop', NOOP_PROVIDER);
  await OpenFeature.setProviderAndWait('constant', constantProvider);
  await OpenFeature.setProviderAndWait('ours', ours);
  await OpenFeature.setProviderAndWait('official', official);
  const clients: Record<string, Client> = {
    'no-op (floor)': OpenFeature.getClient('noop'), // the SDK's own NoopFeatureProvider
    // A provider doing nothing but return a resolved constant: the lowest any provider can go.
    'constant provider': OpenFeature.getClient('constant'),
    switchyard: OpenFeature.getClient('ours'),
    'flagd-provider': OpenFeature.getClient('official'),
  };
  const tasks: Record<string, () => Promise<unknown>> = {};
  for (const [name, client] of Object.entries(clients)) {
    tasks[`client getBooleanValue · ${name}`] = () =>
      client.getBooleanValue('bench-bool', false, benchContext);
    tasks[`client getStringValue · ${name}`] = () =>
      client.getStringValue('bench-string', 'none', benchContext);
  }
  return measure(tasks);
}

async function directCalls(ours: Provider, official: Provider): Promise<Row[]> {
  const tasks: Record<string, () => Promise<unknown>> = {};
  for (const [name, p] of [
    ['switchyard', ours],
    ['flagd-provider', official],
  ] as const) {
    tasks[`resolveBooleanEvaluation · ${name}`] = () =>
      p.resolveBooleanEvaluation('bench-bool', false, benchContext, logger);
    tasks[`resolveStringEvaluation · ${name}`] = () =>
      p.resolveStringEvaluation('bench-string', 'none', benchContext, logger);
  }
  return measure(tasks);
}

/** Starts providers against an absent daemon with a 1,000-flag last-known-good on disk. */
interface ColdStart {
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
  readonly parse: number;
}

async function coldStart(): Promise<ColdStart> {
  const cacheDir = mkdtempSync(join(tmpdir(), 'switchyard-bench-lkg-'));
  const server = await TestSyncServer.start(JSON.stringify(benchFlags(1000)));
  const options = {
    resolverType: 'in-process' as const,
    host: '127.0.0.1',
    port: server.port,
    cacheDir,
    deadlineMs: 2000,
  };
  const primer = new SwitchyardProvider(options, logger);
  await primer.initialize();
  await primer.onClose();
  server.kill();
  const runs: number[] = [];
  for (let i = 0; i < (quick ? 10 : 40); i++) {
    const started = performance.now();
    const provider = new SwitchyardProvider(options, logger);
    await provider.initialize();
    const details = await provider.resolveBooleanEvaluation('bench-bool', false, {}, logger);
    runs.push(performance.now() - started);
    if (details.flagMetadata?.switchyardCached !== true) throw new Error('not served from cache');
    await provider.onClose();
  }
  rmSync(cacheDir, { recursive: true, force: true });
  // The engine's share: parse + compile of the same 1,000 flags, without any I/O.
  const text = JSON.stringify(benchFlags(1000));
  const parses: number[] = [];
  for (let i = 0; i < (quick ? 5 : 20); i++) {
    const started = performance.now();
    createEvaluator().setConfiguration(text, { mode: 'isolating', format: 'json' });
    parses.push(performance.now() - started);
  }
  runs.sort((a, b) => a - b);
  parses.sort((a, b) => a - b);
  const at = (q: number) => runs[Math.min(runs.length - 1, Math.floor(q * runs.length))]!;
  return {
    p50: at(0.5),
    p95: at(0.95),
    max: runs[runs.length - 1]!,
    parse: parses[Math.floor(parses.length / 2)]!,
  };
}

async function evaluationBenchmarks(): Promise<{ table: string; env: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-bench-'));
  const flagsPath = join(dir, 'flags.json');
  writeFileSync(flagsPath, JSON.stringify(benchFlags(200)));
  const ours = new SwitchyardProvider(
    { resolverType: 'file', offlineFlagSourcePath: flagsPath },
    logger,
  );
  const official = new FlagdProvider({
    resolverType: 'in-process',
    offlineFlagSourcePath: flagsPath,
  });

  const client = await clientCalls(ours, official);
  const direct = await directCalls(ours, official);
  const cold = await coldStart();
  await OpenFeature.close();
  rmSync(dir, { recursive: true, force: true });
  return { table: evaluationTable(client, direct, cold), env: evaluationEnv() };
}

function evaluationTable(client: Row[], direct: Row[], cold: ColdStart): string {
  const lines: string[] = [];
  lines.push('| benchmark | ns/call (p50) |', '|---|---:|');
  for (const r of [...client, ...direct]) lines.push(`| ${r.name} | ${r.nsPerCall.toFixed(0)} |`);
  lines.push('', '| ratio | value | target |', '|---|---:|---|');
  for (const m of ['getBooleanValue', 'getStringValue']) {
    const floor = `client ${m} · no-op (floor)`;
    const mine = ratio(client, `client ${m} · switchyard`, floor);
    const theirs = ratio(client, `client ${m} · flagd-provider`, floor);
    lines.push(`| client ${m}: switchyard / no-op floor | ${mine.toFixed(3)}× | ≤ 1.05× |`);
    lines.push(`| client ${m}: flagd-provider / no-op floor | ${theirs.toFixed(3)}× | – |`);
    const strict = ratio(client, `client ${m} · switchyard`, `client ${m} · constant provider`);
    lines.push(`| client ${m}: switchyard / constant provider | ${strict.toFixed(3)}× | – |`);
  }
  for (const m of ['resolveBooleanEvaluation', 'resolveStringEvaluation']) {
    const speedup = ratio(direct, `${m} · flagd-provider`, `${m} · switchyard`);
    lines.push(`| direct ${m}: speed-up over flagd-provider | ${speedup.toFixed(2)}× | ≥ 4× |`);
  }
  lines.push(
    `| cold start from last-known-good, 1,000 flags, daemon absent (p50 / p95) | ${cold.p50.toFixed(1)} / ${cold.p95.toFixed(1)} ms | ≤ 50 ms |`,
  );
  lines.push(
    `| of which core parse + compile of the 1,000 flags (p50) | ${cold.parse.toFixed(1)} ms | – |`,
  );
  return lines.join('\n');
}

/**
 * Usage reporting's cost on evaluation: two in-process providers on the same sync server (one
 * that accepts usage reports, as a daemon does), one with reportUsage and a 250 ms interval so
 * batches go out while it is measured, one without; the same calls, interleaved rounds.
 */
async function usageBenchmark(): Promise<{ table: string; env: string }> {
  const server = await TestSyncServer.start(JSON.stringify(benchFlags(200)), { acceptUsage: true });
  const base = {
    resolverType: 'in-process' as const,
    host: '127.0.0.1',
    port: server.port,
    deadlineMs: 5000,
  };
  const plain = new SwitchyardProvider(base, logger);
  const reporting = new SwitchyardProvider(
    { ...base, reportUsage: true, usageReportIntervalMs: 250 },
    logger,
  );
  await Promise.all([plain.initialize(), reporting.initialize()]);
  const tasks: Record<string, () => Promise<unknown>> = {};
  for (const [name, p] of [
    ['without reporting', plain],
    ['with reportUsage', reporting],
  ] as const) {
    tasks[`resolveBooleanEvaluation · ${name}`] = () =>
      p.resolveBooleanEvaluation('bench-bool', false, benchContext, logger);
    tasks[`resolveStringEvaluation · ${name}`] = () =>
      p.resolveStringEvaluation('bench-string', 'none', benchContext, logger);
  }
  // The measured loops never yield to timers: send each round's batch between rounds, off
  // the measured path, as the interval timer does in an application.
  const rows = await measure(tasks, () => reporting.flushUsage());
  await Promise.all([plain.onClose(), reporting.onClose()]);
  const reports = server.usageReports.length;
  const counted = server.usageReports.reduce(
    (sum, r) =>
      sum + r.flags.reduce((s, f) => s + f.counts.reduce((c, x) => c + Number(x.count), 0), 0),
    0,
  );
  server.kill();
  const lines = ['| benchmark | ns/call (p50) |', '|---|---:|'];
  for (const r of rows) lines.push(`| ${r.name} | ${r.nsPerCall.toFixed(0)} |`);
  lines.push('', '| ratio | value | target |', '|---|---:|---|');
  for (const m of ['resolveBooleanEvaluation', 'resolveStringEvaluation']) {
    const cost = ratio(rows, `${m} · with reportUsage`, `${m} · without reporting`);
    const extra = nsOf(rows, `${m} · with reportUsage`) - nsOf(rows, `${m} · without reporting`);
    lines.push(
      `| ${m}: with reportUsage / without | ${cost.toFixed(3)}× (${extra >= 0 ? '+' : ''}${extra.toFixed(0)} ns) | ≤ +20 ns |`,
    );
  }
  const env = `Same run, same sync server, ${ROUNDS} interleaved rounds; the reporting provider sent ${reports} batches (${counted.toLocaleString('en-US')} evaluations counted, one batch between rounds) while it was measured.`;
  return { table: lines.join('\n'), env };
}

function evaluationEnv(): string {
  return `Node ${process.version}, ${process.platform}/${process.arch}; ${ROUNDS} interleaved rounds (median of per-round p50s and ratios), ${BATCH} sequential awaited calls per sample; context with 4 attributes; 200 flags.`;
}

/** Ours, then the official provider, each against its own daemon; fails if ours returned a default. */
async function reconnectBenchmark(): Promise<{ table: string; env: string }> {
  const outage = process.argv
    .find((a) => a.startsWith('--outage-ms='))
    ?.slice('--outage-ms='.length);
  const options: ReconnectOptions = {
    clients: 200,
    processes: 4,
    outageMs: outage !== undefined ? Number(outage) : quick ? 1000 : 3000,
  };
  const ours = await measureReconnect('switchyard', options);
  const official = await measureReconnect('flagd-provider', options);
  const { table, env } = reconnectTable([ours, official], options);
  const defaults = `no evaluation returned a default during the outage: switchyard ${ours.defaults === 0 ? 'yes' : `NO (${ours.defaults}, e.g. ${ours.firstDefault})`}, flagd-provider ${official.defaults === 0 ? 'yes' : `NO (${official.defaults}, e.g. ${official.firstDefault})`}`;
  process.stdout.write(`\n${table}\n\n${env}\n${defaults}\n`);
  if (ours.defaults > 0)
    throw new Error(`switchyard returned ${ours.defaults} defaults during the outage`);
  return { table, env };
}

/** Ours and the official provider in RPC mode against one daemon, with the cache off and on. */
async function rpcBenchmark(): Promise<{ table: string; env: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-bench-rpc-'));
  const flagsPath = join(dir, 'flags.json');
  writeFileSync(flagsPath, JSON.stringify(benchFlags(200)));
  const ports = await daemonPorts();
  const { daemon } = await BenchDaemon.start(flagsPath, ports);
  const providers: Provider[] = [];
  try {
    const tasks: Record<string, () => Promise<unknown>> = {};
    for (const cache of ['disabled', 'lru'] as const) {
      const connection = { host: '127.0.0.1', port: ports.evaluation, cache };
      const pair = [
        ['switchyard', new SwitchyardProvider({ ...connection, resolverType: 'rpc' }, logger)],
        ['flagd-provider', new FlagdProvider({ ...connection, resolverType: 'rpc' })],
      ] as const;
      for (const [name, provider] of pair) {
        await OpenFeature.setProviderAndWait(`rpc-${name}-${cache}`, provider);
        providers.push(provider);
        tasks[`cache ${cache} · static boolean · ${name}`] = () =>
          provider.resolveBooleanEvaluation('bench-bool', false, benchContext, logger);
        tasks[`cache ${cache} · targeted string · ${name}`] = () =>
          provider.resolveStringEvaluation('bench-string', 'none', benchContext, logger);
      }
    }
    return rpcTable(await measure(tasks));
  } finally {
    await OpenFeature.close();
    await daemon.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

function rpcTable(rows: Row[]): { table: string; env: string } {
  const lines = [
    '| RPC mode, resolve call | switchyard µs (p50) | flagd-provider µs (p50) | switchyard / flagd-provider | target |',
    '|---|---:|---:|---:|---|',
  ];
  for (const cache of ['disabled', 'lru']) {
    for (const flag of ['static boolean', 'targeted string']) {
      const at = (name: string) => `cache ${cache} · ${flag} · ${name}`;
      const us = (name: string) =>
        (rows.find((r) => r.name === at(name))!.nsPerCall / 1000).toFixed(1);
      const r = ratio(rows, at('switchyard'), at('flagd-provider'));
      lines.push(
        `| cache ${cache}, ${flag} | ${us('switchyard')} | ${us('flagd-provider')} | ${r.toFixed(2)}× | ≤ 1.05× ${r <= 1.05 ? '✔' : '✘'} |`,
      );
    }
  }
  const env = `Node ${process.version}; \`switchyard start\` in a child process on loopback; one provider instance each; ${ROUNDS} interleaved rounds, ${BATCH} sequential awaited calls per sample (median of per-round p50s and ratios). A cached static flag is answered without a call.`;
  return { table: lines.join('\n'), env };
}

/** Replaces the text between `<!-- <marker>:start -->` and `<!-- <marker>:end -->`. */
function writeReadmeSection(marker: string, body: string): void {
  const readme = join(process.env.BENCH_PACKAGE_DIR ?? '.', 'README.md');
  const text = readFileSync(readme, 'utf8');
  const start = `<!-- ${marker}:start -->`;
  const end = `<!-- ${marker}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README.md has no ${marker} markers`);
  writeFileSync(readme, `${text.slice(0, from + start.length)}\n${body}\n${text.slice(to)}`);
}

async function main(): Promise<void> {
  const readme = process.argv.includes('--readme');
  if (only === undefined || only === 'evaluation') {
    const { table, env } = await evaluationBenchmarks();
    process.stdout.write(`\n${table}\n\n${env}\n`);
    if (readme) writeReadmeSection('bench', `${table}\n\n${env}`);
  }
  if (only === undefined || only === 'usage') {
    const { table, env } = await usageBenchmark();
    process.stdout.write(`\n${table}\n\n${env}\n`);
    if (readme) writeReadmeSection('bench-usage', `${table}\n\n${env}`);
  }
  if (only === undefined || only === 'reconnect') {
    const { table, env } = await reconnectBenchmark();
    if (readme) writeReadmeSection('bench-reconnect', `${table}\n\n${env}`);
  }
  if (only === undefined || only === 'rpc') {
    const { table, env } = await rpcBenchmark();
    process.stdout.write(`\n${table}\n\n${env}\n`);
    if (readme) writeReadmeSection('bench-rpc', `${table}\n\n${env}`);
  }
}

void main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
