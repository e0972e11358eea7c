// npm run bench:remote (packages/daemon): throughput and p99 latency of unary ResolveBoolean
// (flagd.evaluation.v2) over gRPC and over Connect JSON on HTTP/1.1 (flagd's curl call), and of
// OFREP single-flag and bulk evaluation on loopback, each beside its ceiling measured in the same
// run with the same load generator: a bare node:http server answering a fixed JSON body
// (autocannon) and a bare grpc-js unary service (bench/remote-grpc-load.ts).
// Servers and load generators each run in their own child process.
import {
  GRPC_CONCURRENCY,
  HTTP_CONNECTIONS,
  ROUNDS,
  SECONDS,
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

async function main(): Promise<void> {
  const ceiling = await server('ceiling');
  const daemon = await server('daemon');
  try {
    const body = '{"context":{"targetingKey":"user-1","email":"someone@example.com"}}';
    const httpCeiling = () => autocannon(`http://127.0.0.1:${ceiling.http}/`, body);
    const cases: { row: Row; run: () => Promise<Result>; ceiling: () => Promise<Result> }[] = [
      {
        row: { name: 'OFREP single flag (`bool-flag`)', target: 0.6, results: [], ceilings: [] },
        run: () =>
          autocannon(`http://127.0.0.1:${daemon.http}/ofrep/v1/evaluate/flags/bool-flag`, body),
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
    // Each case alternates with its ceiling, round after round, so load from other processes on
    // a shared machine hits both sides alike; the ratio is the median of the per-round ratios.
    for (let round = 0; round < ROUNDS; round++) {
      for (const c of cases) {
        c.row.ceilings.push(await c.ceiling());
        c.row.results.push(await c.run());
      }
    }
    const lines = [
      `Loopback, ${ROUNDS} rounds of ${SECONDS} s per case (after a 2 s warm-up each), alternating with the ceiling; medians. HTTP: autocannon -c ${HTTP_CONNECTIONS}; gRPC: ${GRPC_CONCURRENCY} calls in flight over 4 channels.`,
      '',
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
      '',
      `Errors (all rounds): ${cases.map(({ row }) => `${row.name.split(' (')[0]} ${row.results.reduce((n, r) => n + r.errors, 0)}`).join(', ')}; ceilings ${cases.reduce((n, { row }) => n + row.ceilings.reduce((m, r) => m + r.errors, 0), 0)}.`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    ceiling.child.kill();
    daemon.child.kill();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
