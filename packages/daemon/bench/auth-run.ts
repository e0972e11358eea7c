// npm run bench:auth (packages/daemon): what --auth-config costs, per request and per stream.
// Two daemons serve the same flags, one without and one with --auth-config (a client with a
// bearer token reading every flag: the same work besides the check); rounds alternate between
// them so load from other processes hits both alike. Per request: OFREP single-flag throughput
// (autocannon) and unary gRPC ResolveBoolean (remote-grpc-load.ts), the same request bytes to
// both (the token header included). Per stream: the time to open STREAMS SyncFlags streams and
// receive each one's first payload (stream-clients.ts). Servers and clients each run in their
// own process. Requests come at a fixed rate (open loop, below what either daemon serves), so
// both daemons do the same work per second and batch it alike; each daemon reports its CPU time
// around every run: CPU per request (per stream) is what auth costs — at saturation it moves
// with how the load happens to batch on a shared 2-core machine, by more than the cost itself.
// Ratios are medians of the per-round ratios; each round swaps which daemon goes first. Then, in
// this process: the decision itself (AccessPolicy.authorize, ns per call) and a whole gRPC
// ResolveBoolean handler call with and without --auth-config (auth-handler.ts).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ALL_FLAGS } from '../src/store/selector.js';
import { benchPolicy, handlerNs } from './auth-handler.js';
import {
  BENCH_TOKEN,
  ENTRY,
  GRPC_CONCURRENCY,
  ROUNDS,
  SECONDS,
  WARMUP_S,
  autocannon,
  fmt,
  grpcLoad,
  median,
  server,
} from './load.js';
import type { Result, ServerChild } from './load.js';

const STREAMS = Number(process.env.BENCH_STREAMS ?? 1000);
/** Offered load (per second): below what either daemon serves on the shared 2-core box. */
const OFREP_RATE = Number(process.env.BENCH_OFREP_RATE ?? 3000);
const GRPC_RATE = Number(process.env.BENCH_GRPC_RATE ?? 1000);
const BODY = '{"context":{"targetingKey":"user-1","email":"someone@example.com"}}';
const HEADERS = { authorization: `Bearer ${BENCH_TOKEN}` };

/** Opens `STREAMS` SyncFlags streams in a child process; ms until each had its first payload. */
function openStreams(port: number, token: string | undefined): Promise<number> {
  const args = [ENTRY, join(__dirname, 'stream-clients.ts'), String(port), String(STREAMS)];
  if (token !== undefined) args.push(token);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.on('message', (m: { type: string; ms?: number; message?: string }) => {
      if (m.type === 'ready') {
        child.disconnect();
        resolve(m.ms!);
      } else if (m.type === 'error') {
        child.kill();
        reject(new Error(m.message));
      }
    });
  });
}

/**
 * ns per AccessPolicy.authorize with a valid token (median of 5 runs of 200,000 calls): the
 * first request of a connection (hash, lookup, timingSafeEqual) and its later ones (recognised
 * on the connection).
 */
function decisionNs(): { first: number; later: number } {
  const policy = benchPolicy();
  const authorization = `Bearer ${BENCH_TOKEN}`;
  const time = (connection: object | undefined) => {
    const runs: number[] = [];
    for (let run = 0; run < 5; run++) {
      const n = 200_000;
      const start = process.hrtime.bigint();
      for (let i = 0; i < n; i++) {
        const subject = () => undefined;
        policy.authorize({ authorization, connection, subject }, ALL_FLAGS, 'ofrep');
      }
      runs.push(Number(process.hrtime.bigint() - start) / n);
    }
    return median(runs);
  };
  return { first: time(undefined), later: time({}) };
}

/** One measured run: what the client saw, and the server's CPU per request or stream (µs). */
interface Run {
  readonly value: number;
  readonly cpuUs: number;
}

interface Case {
  readonly name: string;
  /** Higher is better (req/s) or lower is better (ms). */
  readonly unit: 'req/s' | 'ms';
  readonly run: (target: ServerChild) => Promise<Run>;
  readonly offs: Run[];
  readonly ons: Run[];
}

/** Runs `load` against `target`, with the target's CPU time per unit of work (`units`). */
async function measured<T>(
  target: ServerChild,
  load: () => Promise<T>,
  outcome: (result: T) => { value: number; units: number },
): Promise<Run> {
  const before = await target.cpu();
  const result = await load();
  const after = await target.cpu();
  const { value, units } = outcome(result);
  return { value, cpuUs: (after - before) / units };
}

const errors: number[] = [];
const missed: number[] = [];

/**
 * Requests at the measured rate over the seconds the load ran: remote-grpc-load.ts warms up for
 * WARMUP_S first (it loads the server just as hard); autocannon as load.ts starts it does not
 * (its `-w` is autocannon's worker-thread count, not a warm-up).
 */
const requests =
  (seconds: number) =>
  (result: Result): { value: number; units: number } => {
    errors.push(result.errors);
    missed.push(result.missed ?? 0);
    return { value: result.rps, units: result.rps * seconds };
  };

/** load.ts runs autocannon with two worker threads (`-w 2`), each at the rate it is given. */
const AUTOCANNON_WORKERS = 2;

function cases(): Case[] {
  const single = '/ofrep/v1/evaluate/flags/bool-flag';
  return [
    {
      name: `OFREP single flag (\`bool-flag\`), ${fmt(OFREP_RATE)} req/s offered`,
      unit: 'req/s',
      run: (t) =>
        measured(
          t,
          () =>
            autocannon(`http://127.0.0.1:${t.http}${single}`, BODY, {
              headers: HEADERS,
              rate: OFREP_RATE / AUTOCANNON_WORKERS,
            }),
          requests(SECONDS),
        ),
      offs: [],
      ons: [],
    },
    {
      name: `gRPC v2 ResolveBoolean (unary), ${fmt(GRPC_RATE)} calls/s offered`,
      unit: 'req/s',
      run: (t) =>
        measured(
          t,
          () => grpcLoad(t.grpc, { token: BENCH_TOKEN, rate: GRPC_RATE }),
          requests(WARMUP_S + SECONDS),
        ),
      offs: [],
      ons: [],
    },
    {
      name: `${fmt(STREAMS)} SyncFlags streams opened, first payload each`,
      unit: 'ms',
      run: (t) =>
        measured(
          t,
          () => openStreams(t.sync, BENCH_TOKEN),
          (ms) => ({ value: ms, units: STREAMS }),
        ),
      offs: [],
      ons: [],
    },
  ];
}

function row(c: Case): string {
  const cpu = median(c.ons.map((r, i) => r.cpuUs / c.offs[i]!.cpuUs)) - 1;
  const seen = (runs: Run[]) => median(runs.map((r) => r.value));
  const value = (v: number) => (c.unit === 'ms' ? `${v.toFixed(1)} ms` : `${fmt(v)} req/s`);
  const us = (runs: Run[]) => median(runs.map((r) => r.cpuUs)).toFixed(1);
  const target = c.unit === 'req/s' ? `< 5 % ${cpu < 0.05 ? '✔' : '✘'}` : '—';
  return `| ${c.name} | ${value(seen(c.offs))} | ${value(seen(c.ons))} | ${us(c.offs)} | ${us(c.ons)} | ${(cpu * 100).toFixed(1)} % | ${target} |`;
}

async function main(): Promise<void> {
  const off = await server('daemon');
  const on = await server('daemon-auth');
  try {
    const all = cases();
    // Round 0 warms both daemons up and is not counted; then the order swaps every round.
    for (let round = 0; round <= ROUNDS; round++) {
      for (const c of all) {
        const first = round % 2 === 0 ? off : on;
        const second = first === off ? on : off;
        const a = await c.run(first);
        const b = await c.run(second);
        if (round === 0) continue;
        c.offs.push(first === off ? a : b);
        c.ons.push(first === off ? b : a);
      }
    }
    const ns = decisionNs();
    const handler = handlerNs();
    const lines = [
      `Loopback, ${ROUNDS} rounds of auth off and on after a round of warm-up (the order swapped each round); requests at a fixed rate for ${SECONDS} s per case (gRPC after a ${WARMUP_S} s warm-up); medians. Server CPU: user + system time of the daemon's process per request (per stream), the cost of auth the median of the per-round ratios.`,
      '',
      '| case | auth off | auth on | server CPU µs, off | on | cost of auth (CPU) | target |',
      '|---|---:|---:|---:|---:|---:|---:|',
      ...all.map(row),
      '',
      `The decision itself (AccessPolicy.authorize with a bearer token), in-process: ${fmt(ns.first)} ns for a connection's first request (SHA-256, lookup, timingSafeEqual), ${fmt(ns.later)} ns for its later ones (the token recognised on the connection, compared in constant time).`,
      `A gRPC ResolveBoolean handler call (GrpcHandlers → EvaluationService, the token recognised on its connection), in-process: ${fmt(handler.off)} ns without --auth-config, ${fmt(handler.on)} ns with it: ${fmt(handler.on - handler.off)} ns added per call.`,
      `Errors (all rounds, both daemons): ${errors.reduce((n, e) => n + e, 0)}; gRPC calls not started because ${GRPC_CONCURRENCY} were in flight: ${missed.reduce((n, e) => n + e, 0)}.`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    off.child.kill();
    on.child.kill();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
