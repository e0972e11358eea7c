// The stalled-streams section of `npm run bench` (BENCH_ONLY=stalled): a daemon publishing a
// 1 MB generation every 100 ms for 60 s to healthy streams, once with no other streams and once
// beside 1,000 stalled streams (stalled-clients.ts: a process of clients that never read, each on
// a connection of its own, reopened at once when the daemon resets them). Printed: the daemon's
// resident memory (sampled every 250 ms, and its peak, VmHWM) and the healthy streams' delay
// from each write of the file until they all have that generation (fan-out.ts's clients, which
// find the generation's marker in the raw bytes). The two runs use fresh daemons.
// BENCH_STALL_SECONDS (60), BENCH_STALLED (1000), BENCH_HEALTHY (10).
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StreamSet, halfAndAll, nowMs } from './fan-out.js';

const SECONDS = Number(process.env.BENCH_STALL_SECONDS ?? 60);
const STALLED = Number(process.env.BENCH_STALLED ?? 1000);
const HEALTHY = Number(process.env.BENCH_HEALTHY ?? 10);
const INTERVAL_MS = 100;

export interface StalledDeps {
  /** Starts a daemon child on this flag file; resolves with its sync port. */
  readonly daemon: (file: string) => Promise<{ child: ChildProcess; syncPort: number }>;
  readonly stop: (child: ChildProcess) => Promise<void>;
  readonly pct: (xs: number[], p: number) => number;
  readonly fmt: (x: number) => string;
}

/**
 * ~1 MB of flags: a marker flag whose metadata.rev is the generation (what the clients look
 * for) and 100 flags of ~10 KB each whose variant changes with every generation.
 */
export function megabyteFlags(generation: number): string {
  const flags: Record<string, unknown> = {
    marker: {
      state: 'ENABLED',
      variants: { on: true, off: false },
      defaultVariant: 'on',
      metadata: { rev: String(generation) },
    },
  };
  const filler = 'x'.repeat(10_200);
  for (let i = 0; i < 100; i++) {
    flags[`bulk-${i}`] = {
      state: 'ENABLED',
      variants: { big: `${generation}-${i}-${filler}`, small: 's' },
      defaultVariant: 'big',
    };
  }
  return JSON.stringify({ flags });
}

/** Resident memory of a process (Linux /proc), MB: now and peak. */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)![1]) / 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

/** The stalled clients' process; resolves once every stream is open and stalled. */
async function stalledClients(port: number, count: number) {
  const child = fork(
    join(__dirname, 'entry.cjs'),
    [join(__dirname, 'stalled-clients.ts'), `${port}`, `${count}`],
    { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  const next = (type: string) =>
    new Promise<{ type: string; resets?: number }>((resolve) => {
      const on = (message: { type: string; resets?: number }) => {
        if (message.type !== type) return;
        child.off('message', on);
        resolve(message);
      };
      child.on('message', on);
    });
  await next('ready');
  return {
    async resets(): Promise<number> {
      const answer = next('resets');
      child.send({});
      return (await answer).resets ?? 0;
    },
    close: () => child.disconnect(),
  };
}

interface RunResult {
  readonly delays: number[];
  readonly rss: number[];
  readonly peak: number;
  readonly resets: number;
}

/** One run: a fresh daemon, `stalled` stalled streams, HEALTHY healthy ones, SECONDS of edits. */
async function run(deps: StalledDeps, stalled: number): Promise<RunResult> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-stalled-'));
  const file = join(dir, 'flags.json');
  writeFileSync(file, megabyteFlags(0));
  const daemon = await deps.daemon(file);
  const pid = daemon.child.pid!;
  const stalledSet = stalled > 0 ? await stalledClients(daemon.syncPort, stalled) : undefined;
  const healthy = await StreamSet.open(daemon.syncPort, HEALTHY);
  const rss: number[] = [];
  const sampler = setInterval(() => rss.push(memoryOf(pid).rss), 250);
  const delays: number[] = [];
  const end = nowMs() + SECONDS * 1000;
  for (let generation = 1; nowMs() < end; generation++) {
    const started = nowMs();
    const { all } = halfAndAll(
      await healthy.round(generation, () => {
        writeFileSync(`${file}.tmp`, megabyteFlags(generation));
        renameSync(`${file}.tmp`, file);
      }),
    );
    delays.push(all);
    const wait = started + INTERVAL_MS - nowMs();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  clearInterval(sampler);
  const resets = (await stalledSet?.resets()) ?? 0;
  const { peak } = memoryOf(pid);
  healthy.close();
  stalledSet?.close();
  await deps.stop(daemon.child);
  return { delays, rss, peak, resets };
}

export async function stalledStreams(deps: StalledDeps): Promise<string[]> {
  const { pct, fmt } = deps;
  const rows = [
    `stalled streams: a ~1 MB generation every ${INTERVAL_MS} ms for ${SECONDS} s; ${HEALTHY} healthy streams (ms from the file's rename() until all of them have the generation, p50 / p99) and the daemon's RSS (sampled every 250 ms: median / max; peak = VmHWM); stalled clients in a process of their own, a connection each, reopened when reset (deadline 30 s)`,
    '| stalled streams | generations | healthy p50 / p99 | RSS median / max | RSS peak | stalled resets |',
    '|---:|---:|---:|---:|---:|---:|',
  ];
  for (const stalled of [0, STALLED]) {
    const r = await run(deps, stalled);
    rows.push(
      `| ${stalled} | ${r.delays.length} | ${fmt(pct(r.delays, 50))} / ${fmt(pct(r.delays, 99))} | ${pct(r.rss, 50).toFixed(0)} / ${Math.max(...r.rss).toFixed(0)} MB | ${r.peak.toFixed(0)} MB | ${r.resets} |`,
    );
    console.log(rows[rows.length - 1]);
  }
  return rows;
}
