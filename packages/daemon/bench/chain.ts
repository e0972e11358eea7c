// The chain section of `npm run bench`: an edit at a root daemon until every client of K edge
// daemons has it (root → edge over flagd.sync.v1 → clients), beside the same number of streams
// on one daemon, in the same run with rounds alternating. Every daemon (the built CLI) and every
// client group is its own process; clients find a per-round marker in the raw message bytes
// (stream-clients.ts) and report arrival times on process.hrtime, one clock for all processes.
// BENCH_CHAIN: the runs, edges × streams per edge (default `1x1,4x1,4x500`: one edge and one
// stream show the hop itself, four edges of one stream what four edges sharing this machine's
// cores cost, 4 × 500 = 2,000 streams the fan-out); BENCH_CHAIN_ROUNDS (100 per run).
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flagsText } from './flags-text.js';

const RUNS = (process.env.BENCH_CHAIN ?? '1x1,4x1,4x500').split(',').map((run) => {
  const [edges, perEdge] = run.split('x').map(Number) as [number, number];
  return { edges, perEdge };
});
const ROUNDS = Number(process.env.BENCH_CHAIN_ROUNDS ?? 100);
const now = () => Number(process.hrtime.bigint() / 1000n) / 1000;

export interface ChainDeps {
  /** Starts a daemon child with these `switchyard start` arguments; resolves with its sync port. */
  readonly daemon: (args: string[]) => Promise<{ child: ChildProcess; syncPort: number }>;
  readonly stop: (child: ChildProcess) => Promise<void>;
  readonly pct: (xs: number[], p: number) => number;
  readonly fmt: (x: number) => string;
}

type ClientMessage =
  | { type: 'ready' | 'armed' }
  | { type: 'round'; arrivals: number[] }
  | { type: 'error'; message: string };

/** A client group process; `next(type)` resolves with its next message of that type. */
function clientGroup(port: number, count: number) {
  const child = fork(
    join(__dirname, 'entry.cjs'),
    [join(__dirname, 'stream-clients.ts'), `${port}`, `${count}`],
    {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  const waiting = new Map<string, (m: ClientMessage) => void>();
  child.on('message', (message: ClientMessage) => {
    if (message.type === 'error') return; // streams ended at shutdown
    const resolve = waiting.get(message.type);
    waiting.delete(message.type);
    resolve?.(message);
  });
  const next = <T extends ClientMessage['type']>(type: T) =>
    new Promise<Extract<ClientMessage, { type: T }>>((resolve) =>
      waiting.set(type, resolve as (m: ClientMessage) => void),
    );
  return { child, next };
}

/** A flag file and the clients that must see each of its edits. */
interface Setup {
  readonly name: string;
  readonly file: string;
  readonly groups: ReturnType<typeof clientGroup>[];
  generation: number;
  readonly half: number[];
  readonly all: number[];
}

async function round(setup: Setup): Promise<void> {
  setup.generation++;
  const marker = `"rev":"${setup.generation}"`;
  await Promise.all(
    setup.groups.map((g) => {
      const armed = g.next('armed');
      g.child.send({ marker });
      return armed;
    }),
  );
  const reports = setup.groups.map((g) => g.next('round'));
  const text = flagsText(100, setup.generation);
  const start = now();
  writeFileSync(`${setup.file}.tmp`, text);
  renameSync(`${setup.file}.tmp`, setup.file);
  const arrivals = (await Promise.all(reports)).flatMap((r) => r.arrivals).sort((a, b) => a - b);
  setup.half.push(arrivals[Math.ceil(arrivals.length / 2) - 1]! - start);
  setup.all.push(arrivals.at(-1)! - start);
}

/** One run: `perEdge` streams on each of `edges` edges, and as many streams on one daemon. */
async function run(
  deps: ChainDeps,
  { edges: count, perEdge }: (typeof RUNS)[number],
): Promise<Setup[]> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-bench-chain-'));
  const total = count * perEdge;
  const files = { single: join(dir, 'single.json'), root: join(dir, 'root.json') };
  for (const file of Object.values(files)) writeFileSync(file, flagsText(100, 0));
  const single = await deps.daemon(['-f', `file:${files.single}`]);
  const root = await deps.daemon(['-f', `file:${files.root}`]);
  const edges = await Promise.all(
    Array.from({ length: count }, () => deps.daemon(['-f', `grpc://127.0.0.1:${root.syncPort}`])),
  );
  const setups: Setup[] = [
    {
      name: `one daemon, ${total} streams`,
      file: files.single,
      groups: Array.from({ length: count }, () => clientGroup(single.syncPort, perEdge)),
      generation: 0,
      half: [],
      all: [],
    },
    {
      name: `root → ${count} edges × ${perEdge} streams`,
      file: files.root,
      groups: edges.map((edge) => clientGroup(edge.syncPort, perEdge)),
      generation: 0,
      half: [],
      all: [],
    },
  ];
  await Promise.all(setups.flatMap((s) => s.groups.map((g) => g.next('ready'))));
  for (let r = 0; r < ROUNDS; r++) {
    for (const setup of r % 2 === 0 ? setups : [...setups].reverse()) {
      await round(setup);
      // Let late work (logging, GC, the audit entry) settle before the other side's edit.
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  for (const setup of setups) for (const g of setup.groups) g.child.kill();
  await Promise.all([single, root, ...edges].map((d) => deps.stop(d.child)));
  return setups;
}

export async function chain(deps: ChainDeps): Promise<string[]> {
  const { pct, fmt } = deps;
  const cell = (xs: number[]) => `${fmt(pct(xs, 50))} / ${fmt(pct(xs, 99))}`;
  const rows = [
    `chain: an edit (rename() of a 100-flag file) at a daemon until half / all of its clients had it, ms, p50 / p99 over ${ROUNDS} rounds per setup, the two setups of a row alternating; every daemon and each client group its own process; target: the chain's p50 "all" at most one hop (5 ms) above the single daemon's`,
    '| streams (edges × per edge) | one daemon: half | all | root → edges: half | all | chain − one ("all") p50 / p99 | met |',
    '|---|---:|---:|---:|---:|---:|:---:|',
  ];
  for (const setup of RUNS) {
    const [single, chained] = await run(deps, setup);
    const extra = (p: number) => pct(chained!.all, p) - pct(single!.all, p);
    rows.push(
      `| ${setup.edges * setup.perEdge} (${setup.edges} × ${setup.perEdge}) | ${cell(single!.half)} | ${cell(single!.all)} | ${cell(chained!.half)} | ${cell(chained!.all)} | ${fmt(extra(50))} / ${fmt(extra(99))} | ${extra(50) <= 5 ? 'yes' : 'NO'} |`,
    );
    console.log(rows.at(-1));
  }
  return rows;
}
