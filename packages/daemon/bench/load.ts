// Load generation shared by the remote benches (remote-run.ts, auth-run.ts): the server child
// processes (remote-servers.ts), autocannon for HTTP and the grpc-js load generator
// (remote-grpc-load.ts), each in its own process, and the medians they are summed up with.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';

/** The token of bench:auth's client (it reads every flag: the same work as without auth). */
export const BENCH_TOKEN = 'bench-token-0123456789abcdef';

export const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
export const HTTP_CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
export const GRPC_CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
export const ENTRY = join(__dirname, 'entry.cjs');
const AUTOCANNON = require.resolve('autocannon/autocannon.js', {
  paths: [join(__dirname, '../../../test')],
});

/** Whether processes can be pinned to CPUs here (Linux with util-linux's taskset, 2+ CPUs). */
export const CAN_PIN =
  availableParallelism() >= 2 && spawnSync('taskset', ['-p', String(process.pid)]).status === 0;

/**
 * The command and arguments that run node with `args`, on CPU `cpu` only (`taskset -c`) when one
 * is given and CAN_PIN; every thread of the process (V8's GC, libuv's pool) stays on it.
 */
export function onCpu(cpu: number | undefined, args: string[]): [string, string[]] {
  if (cpu === undefined || !CAN_PIN) return [process.execPath, args];
  return ['taskset', ['-c', String(cpu), process.execPath, ...args]];
}

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

/** A server child process: its ports, and its CPU time so far (user + system, µs) on request. */
export interface ServerChild {
  readonly child: ChildProcess;
  readonly grpc: number;
  readonly http: number;
  readonly sync: number;
  cpu(): Promise<number>;
}

/**
 * A server of remote-servers.ts: the daemon with its default telemetry, without (`daemon-off`),
 * exporting over OTLP (`daemon-otel`), with --auth-config (`daemon-auth`: BENCH_TOKEN reads
 * `*`), or the ceilings.
 */
export async function server(
  mode: 'daemon' | 'daemon-off' | 'daemon-otel' | 'daemon-auth' | 'ceiling',
  cpu?: number,
): Promise<ServerChild> {
  const [command, args] = onCpu(cpu, [ENTRY, join(__dirname, 'remote-servers.ts'), mode]);
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  // One JSON line per answer: the ports first, then one per cpu() request.
  const lines: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  let buffered = '';
  child.stdout!.on('data', (chunk) => {
    buffered += chunk;
    for (let cut = buffered.indexOf('\n'); cut >= 0; cut = buffered.indexOf('\n')) {
      const line = buffered.slice(0, cut);
      buffered = buffered.slice(cut + 1);
      const waiter = waiting.shift();
      if (waiter) waiter(line);
      else lines.push(line);
    }
  });
  const next = () =>
    new Promise<string>((resolve) => {
      const line = lines.shift();
      if (line !== undefined) resolve(line);
      else waiting.push(resolve);
    });
  const ports = JSON.parse(await next()) as { grpc: number; http: number; sync: number };
  return {
    child,
    ...ports,
    async cpu() {
      child.stdin!.write('cpu\n');
      const { user, system } = JSON.parse(await next()) as { user: number; system: number };
      return user + system;
    },
  };
}

/** Seconds of warm-up before each measured run (load at the same rate). */
export const WARMUP_S = 2;

export interface Result {
  rps: number;
  /** Every request answered while the load ran, warm-up included (CPU per request). */
  total: number;
  p99: number;
  errors: number;
  /** Calls an open-loop gRPC load did not start (too many in flight). */
  missed?: number;
}

/** How a load generator loads: headers (tokens) and an optional fixed rate (per second). */
export interface LoadOptions {
  readonly headers?: Record<string, string>;
  /** Requests started per second (open loop); undefined: as fast as the server answers. */
  readonly rate?: number | undefined;
  /** The CPU the load generator runs on (onCpu). */
  readonly cpu?: number | undefined;
  /** HTTP requests each connection keeps in flight (autocannon's `-p`; 1 by default). */
  readonly pipelining?: number | undefined;
}

/** The installed autocannon's version, for the benches' headers. */
const AUTOCANNON_VERSION = (
  JSON.parse(readFileSync(join(dirname(AUTOCANNON), 'package.json'), 'utf8')) as { version: string }
).version;

/**
 * What autocannon() runs, for the benches' headers. autocannon sends every request from its main
 * thread, with no worker threads (`-w`): measured on the shared 2-core box (2026-12-06 16:33 UTC,
 * load average 4.1–4.8, 6 alternating rounds of 4 s after a 2 s warm-up, -c 32), `-w 2` reached
 * 0.89× the req/s of one thread against the HTTP ceiling and 0.94× against OFREP single (medians
 * of per-round ratios), the server's CPU 38–39 % busy instead of 49–51 %: the second sending
 * thread takes CPU from the server it loads.
 */
export const HTTP_LOAD = `autocannon ${AUTOCANNON_VERSION}, ${HTTP_CONNECTIONS} connections, one thread (no -w), warm-up by its --warmup`;

/** autocannon's answer (`--json`): the measured run, and its warm-up when one ran (`--warmup`). */
interface AutocannonJson {
  requests: { average: number; total: number };
  latency: { p99: number };
  errors: number;
  non2xx: number;
  warmup?: { requests: { total: number }; errors: number; non2xx: number };
}

/**
 * HTTP load: `-c HTTP_CONNECTIONS` connections for WARMUP_S seconds not counted (autocannon's
 * `--warmup`, which runs the same load — connections, pipelining, rate, headers and body —
 * and then starts the measured run on fresh connections), then SECONDS measured.
 */
export async function autocannon(
  url: string,
  body: string,
  { headers = {}, rate, cpu, pipelining = 1 }: LoadOptions = {},
): Promise<Result> {
  const connections = String(HTTP_CONNECTIONS);
  const args = [
    AUTOCANNON,
    '-c',
    connections,
    '-d',
    String(SECONDS),
    '--warmup',
    '[',
    '-c',
    connections,
    '-d',
    String(WARMUP_S),
    ']',
    '-p',
    String(pipelining),
    '-m',
    'POST',
    ...(rate === undefined ? [] : ['-R', String(rate)]),
  ];
  for (const [k, v] of Object.entries({ 'content-type': 'application/json', ...headers }))
    args.push('-H', `${k}=${v}`);
  args.push('-b', body, '--json', url);
  const child = spawn(...onCpu(cpu, args), { stdio: ['ignore', 'pipe', 'ignore'] });
  const text = await output(child);
  // The warm-up prints its own JSON line first; the measured run's is the last.
  const json = JSON.parse(text.trim().split('\n').pop()!) as AutocannonJson;
  const warmup = json.warmup;
  return {
    rps: json.requests.average,
    total: json.requests.total + (warmup?.requests.total ?? 0),
    p99: json.latency.p99,
    errors: json.errors + json.non2xx + (warmup === undefined ? 0 : warmup.errors + warmup.non2xx),
  };
}

/**
 * Unary ResolveBoolean load; `token` is sent as `authorization: Bearer` on every call, `rate`
 * (calls per second) makes it open loop.
 */
export async function grpcLoad(
  port: number,
  { token, rate, cpu }: LoadOptions & { readonly token?: string } = {},
): Promise<Result> {
  const child = spawn(
    ...onCpu(cpu, [
      ENTRY,
      join(__dirname, 'remote-grpc-load.ts'),
      `127.0.0.1:${port}`,
      String(SECONDS),
      String(GRPC_CONCURRENCY),
      '4',
      token ?? '-',
      String(rate ?? 0),
    ]),
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return JSON.parse((await output(child)).trim()) as Result;
}

export const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};
