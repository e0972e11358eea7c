// npm run bench (packages/daemon): rename()-to-SyncFlags latency with 1, 100 and 1,000 streams
// beside the transport floor measured in the same run, resident memory with 1,000 streams and
// 10,000 flags, and process start to /readyz 200 with 1,000 flags. The daemon and the floor
// server each run in their own child process; all clients live in this process.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentials, Metadata } from '@grpc/grpc-js';
import { FlagSyncServiceClient } from '@switchyard/protocol';
import { flagsText } from './flags-text.js';

const DEV = join(__dirname, '../test/helpers/switchyard-dev.cjs');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);

function spawnLine(
  args: string[],
  re: RegExp,
): Promise<{ child: ChildProcess; match: RegExpMatchArray }> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const m = out.match(re);
      if (m) resolve({ child, match: m });
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

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const fmt = (x: number) => x.toFixed(1).padStart(7);

/** Runs ROUNDS broadcasts; returns per-round times to half and all streams delivered. */
async function measure(
  n: number,
  port: number,
  trigger: () => void,
): Promise<{ half: number[]; all: number[] }> {
  const half: number[] = [];
  const all: number[] = [];
  let got = 0;
  let start = 0;
  let done: () => void = () => {};
  const close = await openStreams(port, n, () => {
    got++;
    const t = performance.now() - start;
    if (got === Math.ceil(n / 2)) half.push(t);
    if (got === n) {
      all.push(t);
      done();
    }
  });
  for (let r = 0; r < ROUNDS; r++) {
    got = 0;
    const finished = new Promise<void>((resolve) => {
      done = resolve;
    });
    start = performance.now();
    trigger();
    await finished;
  }
  close();
  return { half, all };
}

async function latency(): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-bench-'));
  const file = join(dir, 'flags.json');
  let generation = 0;
  writeFileSync(file, flagsText(100, generation));
  const size = Buffer.byteLength(flagsText(100, 0));
  const daemon = await spawnLine(
    [
      DEV,
      'start',
      '-f',
      `file:${file}`,
      '-g',
      '0',
      '-m',
      '0',
      '--log-format',
      'json',
      '-z',
      'json',
    ],
    /"sync":"[^"]*:(\d+)"/,
  );
  const floor = await spawnLine(
    [join(__dirname, 'entry.cjs'), join(__dirname, 'floor-server.ts'), String(size)],
    /PORT (\d+)/,
  );
  const daemonPort = Number(daemon.match[1]);
  const floorPort = Number(floor.match[1]);
  const floorClient = new FlagSyncServiceClient(
    `127.0.0.1:${floorPort}`,
    credentials.createInsecure(),
  );
  const rows = [
    `payload ${(size / 1024).toFixed(0)} KB (100 flags), ${ROUNDS} rounds; ms, p50 / p99 over rounds`,
    '| streams | switchyard half | switchyard all | floor half | floor all |',
    '|---:|---:|---:|---:|---:|',
  ];
  for (const n of [1, 100, 1000]) {
    const sy = await measure(n, daemonPort, () => {
      generation++;
      writeFileSync(`${file}.tmp`, flagsText(100, generation));
      renameSync(`${file}.tmp`, file);
    });
    const fl = await measure(n, floorPort, () =>
      floorClient.fetchAllFlags(
        { $typeName: 'flagd.sync.v1.FetchAllFlagsRequest', providerId: '', selector: '' },
        new Metadata(),
        {},
        () => {},
      ),
    );
    const cell = (xs: number[]) => `${fmt(pct(xs, 50))} / ${fmt(pct(xs, 99))}`;
    rows.push(`| ${n} | ${cell(sy.half)} | ${cell(sy.all)} | ${cell(fl.half)} | ${cell(fl.all)} |`);
    console.log(rows[rows.length - 1]);
  }
  floorClient.close();
  await Promise.all([stop(daemon.child), stop(floor.child)]);
  return rows;
}

async function memory(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-bench-'));
  writeFileSync(join(dir, 'flags.json'), flagsText(10_000, 0));
  const d = await spawnLine(
    [DEV, 'start', '-f', `file:${join(dir, 'flags.json')}`, '-g', '0', '-m', '0', '-z', 'json'],
    /"sync":"[^"]*:(\d+)","management":(\d+)/,
  );
  const close = await openStreams(Number(d.match[1]), 1000, () => {});
  const metrics = await (await fetch(`http://127.0.0.1:${d.match[2]}/metrics`)).text();
  const rss = Number(/process_resident_memory_bytes (\d+)/.exec(metrics)![1]) / 2 ** 20;
  close();
  await stop(d.child);
  return `resident memory, 1,000 streams + 10,000 flags: ${rss.toFixed(0)} MB`;
}

async function startup(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-bench-'));
  writeFileSync(join(dir, 'flags.json'), flagsText(1000, 0));
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const t0 = performance.now();
    const child = spawn(
      process.execPath,
      [
        DEV,
        'start',
        '-f',
        `file:${join(dir, 'flags.json')}`,
        '-g',
        '0',
        '-m',
        String(port),
        '-z',
        'json',
      ],
      { stdio: 'ignore' },
    );
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    times.push(performance.now() - t0);
    await stop(child);
  }
  return `process start to /readyz 200, 1,000 flags: p50 ${pct(times, 50).toFixed(0)} ms (min ${Math.min(...times).toFixed(0)}, max ${Math.max(...times).toFixed(0)}; runs from TypeScript sources via swc)`;
}

async function main() {
  const rows = await latency();
  const mem = await memory();
  const start = await startup();
  console.log(`\n${rows.join('\n')}\n\n${mem}\n${start}`);
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
