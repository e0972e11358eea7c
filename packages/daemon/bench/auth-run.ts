// npm run bench:auth (packages/daemon): what --auth-config costs, per request and per stream.
// Two daemons serve the same flags, one without and one with --auth-config (a client with a
// bearer token reading every flag: the same work besides the check); rounds alternate between
// them so load from other processes hits both alike. Per request: OFREP single-flag throughput
// (autocannon) and unary gRPC ResolveBoolean (remote-grpc-load.ts), the same request bytes to
// both (the token header included). Per stream: the time to open STREAMS SyncFlags streams and
// receive each one's first payload (stream-clients.ts). Servers and clients each run in their
// own process. Ratios are medians of the per-round ratios; each round swaps which daemon goes
// first, so drift in the machine's load does not favour one side. Then the decision itself,
// in this process: AccessPolicy.authorize for a bearer token, ns per call, set against the
// time per request the daemon without auth took (a measure that the load of other processes
// barely moves).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pino } from 'pino';
import { AccessPolicy } from '../src/auth/access-policy.js';
import { parseAuthConfig } from '../src/auth/auth-config.js';
import { createMetrics } from '../src/metrics.js';
import { ALL_FLAGS } from '../src/store/selector.js';
import {
  BENCH_TOKEN,
  ENTRY,
  ROUNDS,
  SECONDS,
  autocannon,
  fmt,
  grpcLoad,
  median,
  server,
} from './load.js';
import type { Result } from './load.js';

const STREAMS = Number(process.env.BENCH_STREAMS ?? 1000);
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

/** ns per AccessPolicy.authorize with a valid token: median of 5 runs of 200,000 calls. */
function decisionNs(): number {
  const config = parseAuthConfig(
    'bench.json',
    JSON.stringify({ clients: [{ id: 'bench', token: BENCH_TOKEN, selectors: ['*'] }] }),
  );
  const policy = new AccessPolicy(config, {
    metrics: createMetrics(),
    logger: pino({ level: 'silent' }),
  });
  const authorization = `Bearer ${BENCH_TOKEN}`;
  const runs: number[] = [];
  for (let run = 0; run < 5; run++) {
    const n = 200_000;
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
      policy.authorize({ authorization, subject: () => undefined }, ALL_FLAGS, 'ofrep');
    }
    runs.push(Number(process.hrtime.bigint() - start) / n);
  }
  return median(runs);
}

interface Case {
  readonly name: string;
  /** Higher is better (req/s) or lower is better (ms). */
  readonly unit: 'req/s' | 'ms';
  readonly off: () => Promise<number>;
  readonly on: () => Promise<number>;
  readonly offs: number[];
  readonly ons: number[];
  readonly errors: number[];
}

const rps = (result: Promise<Result>, errors: number[]) =>
  result.then((r) => {
    errors.push(r.errors);
    return r.rps;
  });

async function main(): Promise<void> {
  const off = await server('daemon');
  const on = await server('daemon-auth');
  try {
    const errors: number[] = [];
    const single = '/ofrep/v1/evaluate/flags/bool-flag';
    const cases: Case[] = [
      {
        name: 'OFREP single flag (`bool-flag`)',
        unit: 'req/s',
        off: () => rps(autocannon(`http://127.0.0.1:${off.http}${single}`, BODY, HEADERS), errors),
        on: () => rps(autocannon(`http://127.0.0.1:${on.http}${single}`, BODY, HEADERS), errors),
        offs: [],
        ons: [],
        errors,
      },
      {
        name: 'gRPC v2 ResolveBoolean (unary)',
        unit: 'req/s',
        off: () => rps(grpcLoad(off.grpc, BENCH_TOKEN), errors),
        on: () => rps(grpcLoad(on.grpc, BENCH_TOKEN), errors),
        offs: [],
        ons: [],
        errors,
      },
      {
        name: `${fmt(STREAMS)} SyncFlags streams opened, first payload each`,
        unit: 'ms',
        off: () => openStreams(off.sync, BENCH_TOKEN),
        on: () => openStreams(on.sync, BENCH_TOKEN),
        offs: [],
        ons: [],
        errors,
      },
    ];
    for (let round = 0; round < ROUNDS; round++) {
      for (const c of cases) {
        if (round % 2 === 0) {
          c.offs.push(await c.off());
          c.ons.push(await c.on());
        } else {
          c.ons.push(await c.on());
          c.offs.push(await c.off());
        }
      }
    }
    const ns = decisionNs();
    const share = (c: Case) => (ns / 1e9) * median(c.offs) * 100;
    const lines = [
      `Loopback, ${ROUNDS} rounds of auth off and on (the order swapped each round); requests: ${SECONDS} s per case after a 2 s warm-up; medians.`,
      '',
      '| case | auth off | auth on | cost of auth | target |',
      '|---|---:|---:|---:|---:|',
      ...cases.map((c) => {
        const ratios = c.ons.map((v, i) => v / c.offs[i]!);
        // req/s: the share of throughput lost; ms: the share of time added.
        const cost = c.unit === 'req/s' ? 1 - median(ratios) : median(ratios) - 1;
        const target = c.unit === 'req/s' ? `< 5 % ${cost < 0.05 ? '✔' : '✘'}` : '—';
        const value = (v: number) => (c.unit === 'ms' ? `${v.toFixed(1)} ms` : `${fmt(v)} req/s`);
        return `| ${c.name} | ${value(median(c.offs))} | ${value(median(c.ons))} | ${(cost * 100).toFixed(1)} % | ${target} |`;
      }),
      '',
      `The decision itself (AccessPolicy.authorize, a bearer token: SHA-256, lookup, timingSafeEqual): ${Math.round(ns).toLocaleString('en-US')} ns per request, ${cases
        .filter((c) => c.unit === 'req/s')
        .map(
          (c) =>
            `${share(c).toFixed(2)} % of a ${c.name.split(' (')[0]} request's time without auth`,
        )
        .join(', ')}.`,
      `Errors (all rounds, both daemons): ${errors.reduce((n, e) => n + e, 0)}.`,
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
