// npm run bench (packages/daemon): rename()-to-SyncFlags latency with 1, 100, 1,000 and 5,000
// streams beside the transport floor measured in the same run (and with 1 stream for a directory
// source, which pays the quiet period), resident memory with 1,000 streams and 10,000 flags,
// a 1 MB generation every 100 ms beside 1,000 stalled streams (stalled.ts), process start to
// /readyz 200 with 1,000 flags, and an edit at a root daemon until the clients of its edges have
// it, beside one daemon with as many streams (chain.ts). The daemon (the built CLI) and the floor
// server each run in their own child process; the streams of the latency, stalled and chain
// sections are held by client processes of their own (fan-out.ts), those of the memory section
// by this process.
// Last, the evaluation port's throughput beside its ceilings, and with telemetry off, on and
// exported over OTLP (remote-run.ts, `bench:remote`).
// BENCH_ONLY=latency|memory|stalled|startup|chain|remote, BENCH_STREAMS=1,100,1000,5000,
// BENCH_ROUNDS, BENCH_STARTS,
// BENCH_NODE_ARGS (node options of the daemon, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`),
// BENCH_FLOOR_NODE_ARGS (the same for the floor server).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentials, Metadata } from '@grpc/grpc-js';
import { FlagSyncServiceClient } from '@switchyard/protocol';
import { FILE_SOURCE_DEFAULTS } from '@switchyard/sources';
import { StreamSet, floorTrigger, halfAndAll, pct } from './fan-out.js';
import { chain } from './chain.js';
import { flagsText } from './flags-text.js';
import { stalledStreams } from './stalled.js';

// The built CLI (bin/switchyard.cjs → dist/cjs), as users run it: build core, protocol and the
// daemon first (`node ../../scripts/build-package.mjs` in each package).
const CLI = join(__dirname, '../bin/switchyard.cjs');
/**
 * Rounds per stream count. A p99 over 150 rounds is the second-worst round, so one scheduling
 * stall of the 2-core box decides it; the cheap 1-stream case gets 600 rounds (p99 = 6th worst),
 * 100 streams 300, 5,000 streams 50 (a round takes seconds on each side; its p99 is the worst).
 * BENCH_ROUNDS sets one count for all.
 */
const roundsFor = (streams: number) =>
  process.env.BENCH_ROUNDS
    ? Number(process.env.BENCH_ROUNDS)
    : streams <= 1
      ? 600
      : streams <= 100
        ? 300
        : streams <= 1000
          ? 150
          : 50;
const STARTS = Number(process.env.BENCH_STARTS ?? 9);
const STREAMS = (process.env.BENCH_STREAMS ?? '1,100,1000,5000').split(',').map(Number);
const ONLY = process.env.BENCH_ONLY; // latency | memory | stalled | startup | chain | remote
/** The file source's quiet period for directories. */
const QUIET_MS = FILE_SOURCE_DEFAULTS.quietMs;

/** `switchyard start` on one file (or these source options), every port chosen by the OS, JSON logs. */
const daemonArgs = (source: string | string[]) => [
  ...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []), // e.g. --cpu-prof
  CLI,
  'start',
  ...(typeof source === 'string' ? ['-f', `file:${source}`] : source),
  '-g',
  '0',
  '-m',
  '0',
  '-p',
  '0',
  '-r',
  '0',
  '-z',
  'json',
];

function spawnLine(
  args: string[],
  re: RegExp,
): Promise<{ child: ChildProcess; match: RegExpMatchArray }> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  let matched = false;
  return new Promise((resolve, reject) => {
    // Keep draining stdout after the match (a full pipe would block the child's log writes), but
    // stop collecting it: the growing string was copied and searched again on every chunk.
    child.stdout!.on('data', (d) => {
      if (matched) return;
      out += d;
      const m = out.match(re);
      if (m) {
        matched = true;
        out = '';
        resolve({ child, match: m });
      }
    });
    child.on('exit', (code) => reject(new Error(`child exited ${code}: ${out}`)));
  });
}

const stop = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });

/** Opens n SyncFlags streams over ceil(n/100) connections; resolves once each got its first message. */
async function openStreams(port: number, n: number, onMessage: (i: number) => void) {
  const clients = Array.from(
    { length: Math.ceil(n / 100) },
    (_, i) =>
      new FlagSyncServiceClient(`127.0.0.1:${port}`, credentials.createInsecure(), {
        'bench.channel': i,
        'grpc.max_receive_message_length': -1,
      }),
  );
  const first: Promise<void>[] = [];
  const calls: { cancel(): void }[] = [];
  for (let i = 0; i < n; i++) {
    const call = clients[i % clients.length]!.syncFlags(
      { $typeName: 'flagd.sync.v1.SyncFlagsRequest', providerId: '', selector: '' },
      new Metadata(),
    );
    let seen = false;
    first.push(
      new Promise((resolve) =>
        call.on('data', () => {
          if (!seen) {
            seen = true;
            resolve();
          } else onMessage(i);
        }),
      ),
    );
    call.on('error', () => {});
    calls.push(call);
  }
  await Promise.all(first);
  return () => {
    for (const c of calls) c.cancel();
    for (const c of clients) c.close();
  };
}

const fmt = (x: number) => x.toFixed(1).padStart(7);

/**
 * Runs `rounds` broadcasts on the daemon and on the floor, alternating (which one goes first
 * alternates too). Returns per-round times from the trigger until half and all streams received
 * the message. Each round has its own number, carried by the payload on both sides.
 */
async function measurePair(
  n: number,
  rounds: number,
  targets: { port: number; trigger: (round: number) => void }[],
): Promise<{ half: number[]; all: number[] }[]> {
  const opened = [];
  for (const target of targets) {
    opened.push({
      target,
      streams: await StreamSet.open(target.port, n),
      half: [] as number[],
      all: [] as number[],
    });
  }
  let round = 0;
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? opened : [...opened].reverse();
    for (const side of order) {
      round++;
      const { half, all } = halfAndAll(
        await side.streams.round(round, () => side.target.trigger(round)),
      );
      side.half.push(half);
      side.all.push(all);
      // Let the other side's late work (logging, GC) finish before the next trigger.
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
  for (const { streams } of opened) streams.close();
  return opened.map(({ half, all }) => ({ half, all }));
}

/** Bytes of the daemon's current payload (flag_configuration JSON), from FetchAllFlags. */
function payloadSize(port: number): Promise<number> {
  const client = new FlagSyncServiceClient(`127.0.0.1:${port}`, credentials.createInsecure(), {
    'grpc.max_receive_message_length': -1,
  });
  return new Promise((resolve, reject) =>
    client.fetchAllFlags(
      { $typeName: 'flagd.sync.v1.FetchAllFlagsRequest', providerId: '', selector: '' },
      new Metadata(),
      {},
      (error, response) => {
        client.close();
        if (error || !response) reject(error);
        else resolve(Buffer.byteLength(response.flagConfiguration));
      },
    ),
  );
}

/**
 * `directory`: the daemon watches the directory holding flags.json instead of the file, so each
 * publish waits the directory's quiet period (the single-file row is the fast path).
 */
async function latency(directory = false): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-bench-'));
  const file = join(dir, 'flags.json');
  // The temp name is a dot file: a directory source ignores it.
  const tmp = join(dir, '.flags.json.tmp');
  writeFileSync(file, flagsText(100, 0));
  const daemon = await spawnLine(daemonArgs(directory ? dir : file), /"sync":"[^"]*:(\d+)"/);
  const daemonPort = Number(daemon.match[1]);
  // The floor writes a payload of the same size as the daemon's (the JSON gains a `source` per flag).
  const size = await payloadSize(daemonPort);
  const floor = await spawnLine(
    [
      ...(process.env.BENCH_FLOOR_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
      join(__dirname, 'entry.cjs'),
      join(__dirname, 'floor-server.ts'),
      String(size),
    ],
    /PORT (\d+)/,
  );
  const floorPort = Number(floor.match[1]);
  const floorClient = floorTrigger(floorPort);
  const rows = [
    `${directory ? `DIRECTORY source (pays the ${QUIET_MS} ms quiet period); ` : ''}payload ${(size / 1024).toFixed(0)} KB (100 flags, every flag changed); ms from rename() (floor: from the trigger) until half / all streams got the message, p50 / p99 over rounds; target = 1.5 × floor + 5 ms${directory ? ` + ${QUIET_MS} ms` : ''}, percentile by percentile`,
    '| streams | rounds | switchyard half | switchyard all | floor half | floor all | target half | target all | met |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|:---:|',
  ];
  for (const n of directory ? [1] : STREAMS) {
    const rounds = directory ? Math.min(roundsFor(n), 150) : roundsFor(n);
    const [sy, fl] = await measurePair(n, rounds, [
      {
        port: daemonPort,
        trigger: (round) => {
          writeFileSync(tmp, flagsText(100, round));
          renameSync(tmp, file);
        },
      },
      { port: floorPort, trigger: floorClient.trigger },
    ]);
    const cell = (xs: number[]) => `${fmt(pct(xs, 50))} / ${fmt(pct(xs, 99))}`;
    const limit = (xs: number[], p: number) => 1.5 * pct(xs, p) + 5 + (directory ? QUIET_MS : 0);
    const target = (xs: number[]) => `${fmt(limit(xs, 50))} / ${fmt(limit(xs, 99))}`;
    const met = ([50, 99] as const).every(
      (p) => pct(sy!.half, p) <= limit(fl!.half, p) && pct(sy!.all, p) <= limit(fl!.all, p),
    );
    rows.push(
      `| ${n} | ${rounds} | ${cell(sy!.half)} | ${cell(sy!.all)} | ${cell(fl!.half)} | ${cell(fl!.all)} | ${target(fl!.half)} | ${target(fl!.all)} | ${met ? 'yes' : 'NO'} |`,
    );
    console.log(rows[rows.length - 1]);
  }
  floorClient.close();
  await Promise.all([stop(daemon.child), stop(floor.child)]);
  return rows;
}

/** Resident and peak resident memory of a child (Linux /proc), in MB. */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)![1]) / 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

const mb = (x: number) => `${x.toFixed(0)} MB`;

async function memory(): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-bench-'));
  const file = join(dir, 'flags.json');
  writeFileSync(file, flagsText(10_000, 0));
  const d = await spawnLine(daemonArgs(file), /"sync":"[^"]*:(\d+)"/);
  const pid = d.child.pid!;
  const size = await payloadSize(Number(d.match[1]));
  const atReady = memoryOf(pid);
  let received = 0;
  let t0 = performance.now();
  const close = await openStreams(Number(d.match[1]), 1000, () => {
    received++;
  });
  const connect = { ms: performance.now() - t0, ...memoryOf(pid) };
  t0 = performance.now();
  writeFileSync(`${file}.tmp`, flagsText(10_000, 1));
  renameSync(`${file}.tmp`, file);
  while (received < 1000) await new Promise((resolve) => setTimeout(resolve, 5));
  const broadcast = { ms: performance.now() - t0, ...memoryOf(pid) };
  close();
  await stop(d.child);
  return [
    `memory, 10,000 flags (payload ${(size / 2 ** 20).toFixed(1)} MB), 1,000 streams over 10 connections; daemon RSS:`,
    `- ready, no streams: ${mb(atReady.rss)}`,
    `- 1,000 streams connect at once, each gets the payload: peak ${mb(connect.peak)}, after ${mb(connect.rss)} (all delivered in ${(connect.ms / 1000).toFixed(1)} s)`,
    `- a new generation to all 1,000 streams: peak ${mb(broadcast.peak)}, after ${mb(broadcast.rss)} (all delivered in ${(broadcast.ms / 1000).toFixed(1)} s)`,
  ];
}

/** GET /readyz status, or 0 while nothing listens. */
const readyz = (port: number) =>
  new Promise<number>((resolve) => {
    const req = get({ host: '127.0.0.1', port, path: '/readyz', agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
  });

async function startup(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-bench-'));
  const file = join(dir, 'flags.json');
  writeFileSync(file, flagsText(1000, 0));
  await readyz(1); // warm the client path before timing
  const times: number[] = [];
  for (let i = 0; i < STARTS; i++) {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const args = daemonArgs(file).map((a, j, all) => (all[j - 1] === '-m' ? String(port) : a));
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { stdio: 'ignore' });
    while ((await readyz(port)) !== 200) await new Promise((resolve) => setTimeout(resolve, 2));
    times.push(performance.now() - t0);
    await stop(child);
  }
  return `process start to /readyz 200, 1,000 flags, built CLI: p50 ${pct(times, 50).toFixed(0)} ms (min ${Math.min(...times).toFixed(0)}, max ${Math.max(...times).toFixed(0)}, ${STARTS} starts)`;
}

/** Newest modification time under `dir` (ms). */
function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile())
      latest = Math.max(latest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return latest;
}

async function main() {
  const build =
    'node ../../scripts/build-package.mjs in packages/core, protocol, sources and daemon';
  const built = join(__dirname, '../dist/cjs/cli/main.js');
  if (!existsSync(built)) throw new Error(`build the CLI first: ${build}`);
  for (const pkg of ['core', 'protocol', 'sources', 'daemon']) {
    const root = join(__dirname, '../..', pkg);
    if (existsSync(join(root, 'dist')) && newest(join(root, 'src')) > newest(join(root, 'dist'))) {
      console.warn(`warning: packages/${pkg}/src is newer than its dist; rebuild: ${build}`);
    }
  }
  const rows =
    !ONLY || ONLY === 'latency' ? [...(await latency()), '', ...(await latency(true))] : [];
  const mem = !ONLY || ONLY === 'memory' ? await memory() : [];
  /** What the stalled and chain sections need from this file. */
  const deps = {
    daemon: async (args: string | string[]) => {
      const d = await spawnLine(daemonArgs(args), /"sync":"[^"]*:(\d+)"/);
      return { child: d.child, syncPort: Number(d.match[1]) };
    },
    stop,
    pct,
    fmt,
  };
  const stalled = !ONLY || ONLY === 'stalled' ? await stalledStreams(deps) : [];
  const start = !ONLY || ONLY === 'startup' ? await startup() : '';
  const chained = !ONLY || ONLY === 'chain' ? await chain(deps) : [];
  const sections = [...rows, '', ...mem, '', ...stalled, '', start, '', ...chained];
  console.log(`\n${sections.join('\n').trim()}`);
  if (!ONLY || ONLY === 'remote') await remote();
}

/** remote-run.ts in its own process (its servers and load generators are processes too). */
function remote(): Promise<void> {
  const env = { ...process.env };
  delete env.BENCH_ROUNDS; // rounds per stream count here; rounds per case there
  const child = spawn(
    process.execPath,
    [join(__dirname, 'entry.cjs'), join(__dirname, 'remote-run.ts')],
    {
      stdio: 'inherit',
      env,
    },
  );
  return new Promise((resolve, reject) =>
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`remote-run: exit ${code}`)),
    ),
  );
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
