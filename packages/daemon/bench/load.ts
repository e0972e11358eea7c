// Load generation shared by the remote benches (remote-run.ts, auth-run.ts): the server child
// processes (remote-servers.ts), autocannon for HTTP and the grpc-js load generator
// (remote-grpc-load.ts), each in its own process, and the medians they are summed up with.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/** The token of bench:auth's client (it reads every flag: the same work as without auth). */
export const BENCH_TOKEN = 'bench-token-0123456789abcdef';

export const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
export const HTTP_CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
export const GRPC_CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
export const ENTRY = join(__dirname, 'entry.cjs');
const AUTOCANNON = require.resolve('autocannon/autocannon.js', {
  paths: [join(__dirname, '../../../test')],
});

export function output(child: ChildProcess, firstLine = false): Promise<string> {
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

/** `daemon-auth`: the daemon with --auth-config (remote-servers.ts BENCH_TOKEN reads `*`). */
export async function server(
  mode: 'daemon' | 'daemon-auth' | 'ceiling',
): Promise<{ child: ChildProcess; grpc: number; http: number; sync: number }> {
  const child = spawn(process.execPath, [ENTRY, join(__dirname, 'remote-servers.ts'), mode], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ports = JSON.parse(await output(child, true)) as {
    grpc: number;
    http: number;
    sync: number;
  };
  return { child, ...ports };
}

export interface Result {
  rps: number;
  p99: number;
  errors: number;
}

export async function autocannon(
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

/** Unary ResolveBoolean load; `token` is sent as `authorization: Bearer` on every call. */
export async function grpcLoad(port: number, token?: string): Promise<Result> {
  const child = spawn(
    process.execPath,
    [
      ENTRY,
      join(__dirname, 'remote-grpc-load.ts'),
      `127.0.0.1:${port}`,
      String(SECONDS),
      String(GRPC_CONCURRENCY),
      '4',
      ...(token === undefined ? [] : [token]),
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

export const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};
