// npm run bench:remote (packages/daemon): throughput and p99 latency of unary ResolveBoolean
// (flagd.evaluation.v2) and of OFREP single-flag and bulk evaluation on loopback, each beside its
// ceiling measured in the same run with the same load generator: a bare node:http server answering
// a fixed JSON body (autocannon) and a bare grpc-js unary service (bench/remote-grpc-load.ts).
// Servers and load generators each run in their own child process.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const HTTP_CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const GRPC_CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const ENTRY = join(__dirname, 'entry.cjs');
const AUTOCANNON = require.resolve('autocannon/autocannon.js', {
  paths: [join(__dirname, '../../../test')],
});

function output(child: ChildProcess, firstLine = false): Promise<string> {
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      if (firstLine && out.includes('\n')) resolve(out.split('\n')[0]!);
    });
    child.on('exit', (code) =>
      code === 0 || firstLine ? resolve(out) : reject(new Error(`exit ${code}: ${out}`)),
    );
  });
}

async function server(
  mode: 'daemon' | 'ceiling',
): Promise<{ child: ChildProcess; grpc: number; http: number }> {
  const child = spawn(process.execPath, [ENTRY, join(__dirname, 'remote-servers.ts'), mode], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ports = JSON.parse(await output(child, true)) as { grpc: number; http: number };
  return { child, ...ports };
}

interface Result {
  rps: number;
  p99: number;
  errors: number;
}

async function autocannon(
  url: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<Result> {
  const args = [
    AUTOCANNON,
    '-c',
    String(HTTP_CONNECTIONS),
    '-d',
    String(SECONDS),
    '-w',
    '2',
    '-m',
    'POST',
  ];
  for (const [k, v] of Object.entries({ 'content-type': 'application/json', ...headers }))
    args.push('-H', `${k}=${v}`);
  args.push('-b', body, '--json', url);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'ignore'] });
  const text = await output(child);
  const json = JSON.parse(text.trim().split('\n').pop()!) as {
    requests: { average: number };
    latency: { p99: number };
    errors: number;
    non2xx: number;
  };
  return { rps: json.requests.average, p99: json.latency.p99, errors: json.errors + json.non2xx };
}

async function grpcLoad(port: number): Promise<Result> {
  const child = spawn(
    process.execPath,
    [
      ENTRY,
      join(__dirname, 'remote-grpc-load.ts'),
      `127.0.0.1:${port}`,
      String(SECONDS),
      String(GRPC_CONCURRENCY),
      '4',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const json = JSON.parse((await output(child)).trim()) as {
    rps: number;
    p99: number;
    errors: number;
  };
  return json;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function main(): Promise<void> {
  const ceiling = await server('ceiling');
  const daemon = await server('daemon');
  try {
    const body = '{"context":{"targetingKey":"user-1","email":"someone@example.com"}}';
    const rows: { name: string; result: Result; ceiling: Result; target: number | undefined }[] =
      [];
    const httpCeiling = await autocannon(`http://127.0.0.1:${ceiling.http}/`, body);
    const single = await autocannon(
      `http://127.0.0.1:${daemon.http}/ofrep/v1/evaluate/flags/bool-flag`,
      body,
    );
    const bulk = await autocannon(`http://127.0.0.1:${daemon.http}/ofrep/v1/evaluate/flags`, body);
    const grpcCeiling = await grpcLoad(ceiling.grpc);
    const unary = await grpcLoad(daemon.grpc);
    rows.push({
      name: 'OFREP single flag (`bool-flag`)',
      result: single,
      ceiling: httpCeiling,
      target: 0.6,
    });
    rows.push({
      name: 'OFREP bulk (all flags, ETag)',
      result: bulk,
      ceiling: httpCeiling,
      target: undefined,
    });
    rows.push({
      name: 'gRPC v2 ResolveBoolean (unary)',
      result: unary,
      ceiling: grpcCeiling,
      target: 0.7,
    });
    const lines = [
      `Loopback, ${SECONDS} s per case after a 2 s warm-up; HTTP: autocannon -c ${HTTP_CONNECTIONS}; gRPC: ${GRPC_CONCURRENCY} calls in flight over 4 channels.`,
      '',
      '| case | req/s | p99 ms | ceiling req/s | ceiling p99 ms | of ceiling | target |',
      '|---|---:|---:|---:|---:|---:|---:|',
      ...rows.map((r) => {
        const ratio = r.result.rps / r.ceiling.rps;
        const target =
          r.target === undefined ? '—' : `≥ ${r.target * 100} % ${ratio >= r.target ? '✔' : '✘'}`;
        return `| ${r.name} | ${fmt(r.result.rps)} | ${r.result.p99.toFixed(2)} | ${fmt(r.ceiling.rps)} | ${r.ceiling.p99.toFixed(2)} | ${(ratio * 100).toFixed(0)} % | ${target} |`;
      }),
      '',
      `Errors: ${rows.map((r) => `${r.name.split(' (')[0]} ${r.result.errors}`).join(', ')}; ceilings ${httpCeiling.errors}/${grpcCeiling.errors}.`,
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
