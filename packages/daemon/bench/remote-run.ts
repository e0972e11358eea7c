// npm run bench:remote (packages/daemon): throughput and p99 latency of unary ResolveBoolean
// (flagd.evaluation.v2) over gRPC and over Connect JSON on HTTP/1.1 (flagd's curl call), and of
// OFREP single-flag and bulk evaluation on loopback, each beside its ceiling measured in the same
// run with the same load generator: a bare node:http server answering a fixed JSON body
// (autocannon) and a bare grpc-js unary service (bench/remote-grpc-load.ts). Then the cost of
// telemetry: OFREP single and unary gRPC against a daemon without telemetry, with the default
// (per-evaluation counts and request metrics) and with OTLP metrics and traces, in the same rounds.
// Servers and load generators each run in their own child process.
import {
  GRPC_CONCURRENCY,
  HTTP_LOAD,
  ROUNDS,
  SECONDS,
  WARMUP_S,
  autocannon,
  fmt,
  grpcLoad,
  median,
  server,
} from './load.js';
import type { Result } from './load.js';

interface Row {
  name: string;
  target: number | undefined;
  results: Result[];
  ceilings: Result[];
}

/** The same case against the daemon without telemetry and with everything exported over OTLP. */
interface TelemetryRow {
  name: string;
  off: Result[];
  on: Result[];
  otel: Result[];
}

type Daemons = Record<'daemon' | 'off' | 'otel', { grpc: number; http: number }>;

const ofrepSingle = (http: number, body: string) => () =>
  autocannon(`http://127.0.0.1:${http}/ofrep/v1/evaluate/flags/bool-flag`, body);

function ceilingTable(cases: { row: Row }[]): string[] {
  return [
    '| case | req/s | p99 ms | ceiling req/s | ceiling p99 ms | of ceiling | target |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...cases.map(({ row }) => {
      const ratio = median(row.results.map((r, i) => r.rps / row.ceilings[i]!.rps));
      const target =
        row.target === undefined
          ? '—'
          : `≥ ${row.target * 100} % ${ratio >= row.target ? '✔' : '✘'}`;
      return `| ${row.name} | ${fmt(median(row.results.map((r) => r.rps)))} | ${median(row.results.map((r) => r.p99)).toFixed(2)} | ${fmt(median(row.ceilings.map((r) => r.rps)))} | ${median(row.ceilings.map((r) => r.p99)).toFixed(2)} | ${(ratio * 100).toFixed(0)} % | ${target} |`;
    }),
  ];
}

function telemetryTable(rows: TelemetryRow[]): string[] {
  const pct = (a: Result[], b: Result[]) =>
    `${((median(a.map((r, i) => r.rps / b[i]!.rps)) - 1) * 100).toFixed(1)} %`;
  return [
    '| case | telemetry off req/s | default (counts, request metrics, Prometheus) req/s | vs off | OTLP metrics + a span pair per request req/s | vs off |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.name} | ${fmt(median(r.off.map((x) => x.rps)))} | ${fmt(median(r.on.map((x) => x.rps)))} | ${pct(r.on, r.off)} | ${fmt(median(r.otel.map((x) => x.rps)))} | ${pct(r.otel, r.off)} |`,
    ),
  ];
}

async function measure(
  ceiling: { grpc: number; http: number },
  daemons: Daemons,
): Promise<string[]> {
  const { daemon } = daemons;
  const body = '{"context":{"targetingKey":"user-1","email":"someone@example.com"}}';
  const httpCeiling = () => autocannon(`http://127.0.0.1:${ceiling.http}/`, body);
  const cases: { row: Row; run: () => Promise<Result>; ceiling: () => Promise<Result> }[] = [
    {
      row: { name: 'OFREP single flag (`bool-flag`)', target: 0.6, results: [], ceilings: [] },
      run: ofrepSingle(daemon.http, body),
      ceiling: httpCeiling,
    },
    {
      row: { name: 'OFREP bulk (all flags, ETag)', target: undefined, results: [], ceilings: [] },
      run: () => autocannon(`http://127.0.0.1:${daemon.http}/ofrep/v1/evaluate/flags`, body),
      ceiling: httpCeiling,
    },
    {
      row: {
        name: 'Connect JSON v2 ResolveBoolean (HTTP/1.1)',
        target: 0.6,
        results: [],
        ceilings: [],
      },
      run: () =>
        autocannon(
          `http://127.0.0.1:${daemon.grpc}/flagd.evaluation.v2.Service/ResolveBoolean`,
          '{"flagKey":"bool-flag","context":{"targetingKey":"user-1","email":"someone@example.com"}}',
        ),
      ceiling: () =>
        autocannon(
          `http://127.0.0.1:${ceiling.http}/flagd.evaluation.v2.Service/ResolveBoolean`,
          body,
        ),
    },
    {
      row: { name: 'gRPC v2 ResolveBoolean (unary)', target: 0.7, results: [], ceilings: [] },
      run: () => grpcLoad(daemon.grpc),
      ceiling: () => grpcLoad(ceiling.grpc),
    },
  ];
  const telemetry: {
    row: TelemetryRow;
    load: (d: { grpc: number; http: number }) => Promise<Result>;
  }[] = [
    {
      row: { name: 'OFREP single flag', off: [], on: [], otel: [] },
      load: (d) => ofrepSingle(d.http, body)(),
    },
    {
      row: { name: 'gRPC v2 ResolveBoolean (unary)', off: [], on: [], otel: [] },
      load: (d) => grpcLoad(d.grpc),
    },
  ];
  // Each case alternates with its ceiling (and the telemetry variants with each other), round
  // after round, so load from other processes on a shared machine hits every side alike; ratios
  // are the medians of the per-round ratios.
  for (let round = 0; round < ROUNDS; round++) {
    for (const c of cases) {
      c.row.ceilings.push(await c.ceiling());
      c.row.results.push(await c.run());
    }
    for (const t of telemetry) {
      t.row.off.push(await t.load(daemons.off));
      t.row.on.push(await t.load(daemons.daemon));
      t.row.otel.push(await t.load(daemons.otel));
    }
  }
  const errors = (results: Result[]) => results.reduce((n, r) => n + r.errors, 0);
  return [
    `Loopback, ${ROUNDS} rounds per case alternating with its ceiling, medians; every run is ${WARMUP_S} s of warm-up at the same load (not counted), then ${SECONDS} s measured. HTTP: ${HTTP_LOAD}. gRPC: remote-grpc-load.ts, one thread, ${GRPC_CONCURRENCY} calls in flight over 4 channels.`,
    '',
    ...ceilingTable(cases),
    '',
    'Telemetry: the same load against three daemons in the same rounds (off: `requestMetrics: false`; default; `--metrics-exporter otel` with traces, every request sampled, to a collector stand-in).',
    '',
    ...telemetryTable(telemetry.map((t) => t.row)),
    '',
    `Errors (all rounds): ${cases.map(({ row }) => `${row.name.split(' (')[0]} ${errors(row.results)}`).join(', ')}; ceilings ${cases.reduce((n, { row }) => n + errors(row.ceilings), 0)}; telemetry variants ${telemetry.reduce((n, { row }) => n + errors(row.off) + errors(row.on) + errors(row.otel), 0)}.`,
  ];
}

async function main(): Promise<void> {
  const started = await Promise.all([
    server('ceiling'),
    server('daemon'),
    server('daemon-off'),
    server('daemon-otel'),
  ]);
  const [ceiling, daemon, off, otel] = started;
  try {
    const lines = await measure(ceiling, { daemon, off, otel });
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    for (const s of started) s.child.kill();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
