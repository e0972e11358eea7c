// npm run bench:auth (packages/daemon): what --auth-config costs, per request and per stream.
//
// Three daemons serve the same flags: `off` (no --auth-config), `on` (with it: a client whose
// bearer token reads every flag, so the work besides the check is the same) and `off′`, a second
// daemon without auth — an A/A control that shows how far the method itself spreads. All three
// share one CPU (taskset -c 0) and are loaded at the same time, each by its own load generator
// on the other CPU (taskset -c 1), closed loop: the scheduler shares the daemons' CPU out
// evenly, so whatever else the machine does in a round hits the three alike, and each daemon's
// CPU time per request (process.cpuUsage before and after) is what a request costs it; its
// throughput is its share of the CPU over that cost. Measured one daemon after the other, rounds
// on this shared 2-core box spread by ±15 % (fixed rate or saturated), more than the 5 % to be
// shown; measured side by side, the A/A ratio stays within a few per cent.
// Every client sends the same bytes, token included. The cost is the median of the per-round
// ratios on/off; the A/A column is off′/off. Then, in this process: the decision itself
// (AccessPolicy.authorize, ns per call) and a whole gRPC ResolveBoolean handler call with and
// without --auth-config (auth-handler.ts).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ALL_FLAGS } from '../src/store/selector.js';
import { benchPolicy, handlerNs } from './auth-handler.js';
import {
  BENCH_TOKEN,
  CAN_PIN,
  ENTRY,
  GRPC_CONCURRENCY,
  HTTP_CONNECTIONS,
  SECONDS,
  WARMUP_S,
  autocannon,
  fmt,
  median,
  onCpu,
  output,
  server,
} from './load.js';
import type { ServerChild } from './load.js';

const STREAMS = Number(process.env.BENCH_STREAMS ?? 1000);
/** Rounds counted (after one of warm-up): the ratios are medians over them. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 16);
/** BENCH_ONLY=ofrep,grpc,streams: the cases to run (all by default). */
const ONLY = process.env.BENCH_ONLY?.split(',');
/** The CPU the daemons share, and the one their load generators share. */
const SERVER_CPU = 0;
const CLIENT_CPU = 1;
const PIPELINING = Number(process.env.BENCH_PIPELINING ?? 1);
const BODY = '{"context":{"targetingKey":"user-1","email":"someone@example.com"}}';
const HEADERS = { authorization: `Bearer ${BENCH_TOKEN}` };

/** Opens `STREAMS` SyncFlags streams in a child process; ms until each had its first payload. */
function openStreams(port: number, token: string): Promise<number> {
  const script = [
    ENTRY,
    join(__dirname, 'stream-clients.ts'),
    String(port),
    String(STREAMS),
    token,
  ];
  const child = spawn(...onCpu(CLIENT_CPU, script), {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
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

/** Unary ResolveBoolean calls from grpc-unary-raw-load.ts (node:http2, nothing decoded). */
async function unaryLoad(port: number): Promise<Load> {
  const script = [
    ENTRY,
    join(__dirname, 'grpc-unary-raw-load.ts'),
    String(port),
    String(SECONDS),
    '4',
    String(GRPC_CONCURRENCY),
    BENCH_TOKEN,
  ];
  const child = spawn(...onCpu(CLIENT_CPU, script), { stdio: ['ignore', 'pipe', 'inherit'] });
  const r = JSON.parse((await output(child)).trim()) as {
    rps: number;
    total: number;
    errors: number;
  };
  return { value: r.rps, units: r.total, errors: r.errors };
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

/** What one daemon's load generator saw in a round, and the work done (requests, streams). */
interface Load {
  /** req/s, or ms until every stream had its first payload. */
  readonly value: number;
  readonly units: number;
  readonly errors: number;
}

/** One daemon in one round: what its client saw and its CPU time per unit of work (µs). */
interface Run {
  readonly value: number;
  readonly cpuUs: number;
}

interface Case {
  readonly id: 'ofrep' | 'grpc' | 'streams';
  readonly name: string;
  /** Higher is better (req/s) or lower is better (ms). */
  readonly unit: 'req/s' | 'ms';
  readonly load: (target: ServerChild) => Promise<Load>;
  /** Per daemon (off, on, off′), one run per round. */
  readonly runs: [Run[], Run[], Run[]];
  /** Per round: the daemons' CPU time over the round's wall time (how busy their CPU was). */
  readonly busy: number[];
}

let errors = 0;

function cases(): Case[] {
  const single = '/ofrep/v1/evaluate/flags/bool-flag';
  const runs = (): [Run[], Run[], Run[]] => [[], [], []];
  const all: Case[] = [
    {
      id: 'ofrep',
      name: `OFREP single flag (\`bool-flag\`), autocannon -c ${HTTP_CONNECTIONS} each`,
      unit: 'req/s',
      load: async (t) => {
        const r = await autocannon(`http://127.0.0.1:${t.http}${single}`, BODY, {
          headers: HEADERS,
          cpu: CLIENT_CPU,
          pipelining: PIPELINING,
        });
        return { value: r.rps, units: r.total, errors: r.errors };
      },
      runs: runs(),
      busy: [],
    },
    {
      id: 'grpc',
      name: `gRPC v2 ResolveBoolean (unary), ${GRPC_CONCURRENCY} in flight each`,
      unit: 'req/s',
      load: (t) => unaryLoad(t.grpc),
      runs: runs(),
      busy: [],
    },
    {
      id: 'streams',
      name: `${fmt(STREAMS)} SyncFlags streams opened, first payload each`,
      unit: 'ms',
      load: async (t) => ({
        value: await openStreams(t.sync, BENCH_TOKEN),
        units: STREAMS,
        errors: 0,
      }),
      runs: runs(),
      busy: [],
    },
  ];
  return all.filter((c) => ONLY === undefined || ONLY.includes(c.id));
}

/**
 * Loads the three daemons at once, their load generators started in an order that rotates with
 * the round (none always first); records each one's run and how busy their CPU was.
 */
async function round(c: Case, daemons: readonly ServerChild[], index: number): Promise<void> {
  const before = await Promise.all(daemons.map((d) => d.cpu()));
  const start = process.hrtime.bigint();
  const started: Promise<Load>[] = [];
  for (let k = 0; k < daemons.length; k++) {
    const i = (index + k) % daemons.length;
    started[i] = c.load(daemons[i]!);
  }
  const loads = await Promise.all(started);
  const wallUs = Number(process.hrtime.bigint() - start) / 1000;
  const after = await Promise.all(daemons.map((d) => d.cpu()));
  // Round 0 warms the daemons up and is not counted.
  if (index === 0) return;
  let cpu = 0;
  loads.forEach((load, i) => {
    errors += load.errors;
    cpu += after[i]! - before[i]!;
    c.runs[i]!.push({ value: load.value, cpuUs: (after[i]! - before[i]!) / load.units });
  });
  c.busy.push(cpu / wallUs);
}

const pct = (ratio: number) =>
  `${ratio >= 1 ? '+' : '−'}${(Math.abs(ratio - 1) * 100).toFixed(1)} %`;

/** The median of the per-round ratios b/a of CPU per unit, with their range. */
function ratios(a: Run[], b: Run[]): string {
  const r = b.map((run, i) => run.cpuUs / a[i]!.cpuUs);
  return `${pct(median(r))} (${pct(Math.min(...r))} … ${pct(Math.max(...r))})`;
}

function row(c: Case): string {
  const [off, on, control] = c.runs;
  const cost = median(on.map((r, i) => r.cpuUs / off[i]!.cpuUs)) - 1;
  const value = (runs: Run[]) => {
    const v = median(runs.map((r) => r.value));
    return c.unit === 'ms' ? `${v.toFixed(1)} ms` : `${fmt(v)} req/s`;
  };
  const us = (runs: Run[]) => median(runs.map((r) => r.cpuUs)).toFixed(1);
  const target = c.unit === 'req/s' ? `< 5 % ${cost < 0.05 ? '✔' : '✘'}` : '—';
  const busy = `${Math.round(median(c.busy) * 100)} %`;
  return `| ${c.name} | ${value(off)} | ${value(on)} | ${us(off)} | ${us(on)} | ${busy} | ${ratios(off, on)} | ${ratios(off, control)} | ${target} |`;
}

function report(all: Case[]): string {
  const ns = decisionNs();
  const handler = handlerNs();
  const placement = CAN_PIN
    ? `the three daemons on CPU ${SERVER_CPU}, their load generators on CPU ${CLIENT_CPU} (taskset)`
    : 'not pinned (no taskset or a single CPU here): the ratios spread more';
  return [
    `Loopback, ${ROUNDS} rounds after a round of warm-up, ${SECONDS} s per case (each load after a ${WARMUP_S} s warm-up at the same load), the three daemons loaded at once: ${placement}. Server CPU: user + system time of the daemon's process per request (per stream), medians; cost and A/A: medians of the per-round ratios (range).`,
    '',
    "| case | auth off | auth on | server CPU µs, off | on | daemons' CPU busy | cost of auth (CPU per request) | A/A control (off′/off) | target |",
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...all.map(row),
    '',
    `The decision itself (AccessPolicy.authorize with a bearer token), in-process: ${fmt(ns.first)} ns for a connection's first request (SHA-256, lookup, timingSafeEqual), ${fmt(ns.later)} ns for its later ones (the token recognised on the connection, compared in constant time).`,
    `A gRPC ResolveBoolean handler call (GrpcHandlers → EvaluationService, the token recognised on its connection), in-process: ${fmt(handler.off)} ns without --auth-config, ${fmt(handler.on)} ns with it: ${fmt(handler.on - handler.off)} ns added per call.`,
    `Errors (all rounds, all daemons): ${errors}.`,
  ].join('\n');
}

async function main(): Promise<void> {
  const daemons = [
    await server('daemon', SERVER_CPU),
    await server('daemon-auth', SERVER_CPU),
    await server('daemon', SERVER_CPU),
  ];
  try {
    const all = cases();
    for (let r = 0; r <= ROUNDS; r++) for (const c of all) await round(c, daemons, r);
    process.stdout.write(`${report(all)}\n`);
  } finally {
    for (const d of daemons) d.child.kill();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
