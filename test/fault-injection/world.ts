// One fault-injection run: real files in a temp directory, a daemon child process and two
// clients. Each step plans an operation against the model, runs it on the files, checks every
// state a client sees while it runs, then waits until the daemon serves the final files and has
// reported every invalid entry. Everything unexpected is recorded as a violation.
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Doc, EntryId, Model } from './model.js';
import {
  ENTRIES,
  ENTRY_IDS,
  advance,
  allowedStates,
  canonicalDoc,
  expectedProblem,
  expectedState,
  renderDoc,
} from './model.js';
import { commit, git, planOp } from './multi-ops.js';
import type { Op, PlanContext } from './operations.js';
import { DaemonChild, canDenyRead, providerClient, rawSyncClient } from './peers.js';

export interface Violation {
  readonly run: number;
  readonly step: number;
  readonly op: string;
  readonly kind: 'lost-flag' | 'unexpected-state' | 'no-convergence' | 'unreported' | 'harness';
  readonly detail: string;
}

/** How long the daemon may take to serve a step's final files (generous: CI is loaded). */
const CONVERGE_MS = 15_000;

type Commits = Readonly<Record<'a' | 'b' | 'c', Doc>>[];

function layout(root: string, nextVersion: () => number): { model: Model; commits: Commits } {
  const doc = (id: EntryId, variant: 'on' | 'off'): Doc => ({
    version: nextVersion(),
    flags: Object.fromEntries([0, 1].map((j) => [`${id}-${j}`, variant])),
  });
  const write = (id: EntryId, d: Doc, path = join(root, ENTRIES[id].path)) =>
    writeFileSync(path, renderDoc(d, ENTRIES[id].format));
  chmodSync(root, 0o755);
  for (const dir of ['dir', 'single', 'cm/..v0', 'swap.d'])
    mkdirSync(join(root, dir), { recursive: true });
  git(root, 'init', '-q');
  const commits: Commits = [];
  for (const [n, variant] of (['on', 'off', 'on'] as const).entries()) {
    commits.push({ a: doc('a', variant), b: doc('b', variant), c: doc('c', variant) });
    commit(root, n, commits[n]!);
  }
  const initial = {
    ...commits[2]!,
    single: doc('single', 'on'),
    cm: doc('cm', 'on'),
    x: doc('x', 'on'),
    y: doc('y', 'off'),
  };
  write('single', initial.single);
  write('cm', initial.cm, join(root, 'cm', '..v0', 'flags.json'));
  symlinkSync('..v0', join(root, 'cm', '..data'));
  symlinkSync('..data/flags.json', join(root, 'cm', 'flags.json'));
  write('x', initial.x);
  write('y', initial.y);
  const model = Object.fromEntries(
    ENTRY_IDS.map((id) => [
      id,
      { disk: { kind: 'valid', doc: initial[id] }, lastGood: canonicalDoc(initial[id]) },
    ]),
  ) as unknown as Model;
  return { model, commits };
}

export class World {
  readonly violations: Violation[] = [];
  private model: Model;
  private readonly commits: Commits;
  private version = 0;
  private allowed = new Set<string>();
  private readonly last: Record<'sync' | 'provider', string | undefined> = {
    sync: undefined,
    provider: undefined,
  };
  private readonly waiters = new Set<() => void>();
  private daemon: DaemonChild | undefined;
  private closers: (() => unknown)[] = [];
  private current = { step: -1, op: 'start' };

  private constructor(
    readonly run: number,
    readonly root: string,
  ) {
    const { model, commits } = layout(root, () => ++this.version);
    this.model = model;
    this.commits = commits;
  }

  static async create(run: number): Promise<World> {
    const world = new World(run, mkdtempSync(join(tmpdir(), 'switchyard-fault-')));
    await world.start();
    return world;
  }

  private async start(): Promise<void> {
    this.allowed = new Set([expectedState(this.model)]);
    const daemon = new DaemonChild(this.root, () => this.notify());
    this.daemon = daemon;
    this.closers.push(() => daemon.stop());
    await daemon.listening(60_000);
    this.closers.push(rawSyncClient(daemon.syncPort, (s) => this.observe('sync', s)));
    const provider = await providerClient(daemon.syncPort, (s) => this.observe('provider', s));
    this.closers.push(provider.close);
    await this.converge(expectedState(this.model), []);
  }

  async close(): Promise<void> {
    if (process.env.SWITCHYARD_FAULT_VERBOSE) {
      const lines = this.daemon?.logs.map((l) => `${l.level} ${l.event ?? ''} ${l.msg}`) ?? [];
      writeFileSync(
        join(tmpdir(), `switchyard-fault-run-${this.run}.log`),
        `${lines.join('\n')}\n`,
      );
    }
    for (const close of this.closers.reverse()) await close();
    rmSync(this.root, { recursive: true, force: true });
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }

  private violation(kind: Violation['kind'], detail: string): void {
    this.violations.push({
      run: this.run,
      step: this.current.step,
      op: this.current.op,
      kind,
      detail,
    });
  }

  /** A client saw `state`: it must be one of the states the files were in. */
  private observe(client: 'sync' | 'provider', state: string): void {
    this.last[client] = state;
    this.notify();
    if (this.allowed.has(state)) return;
    const keysOf = (s: string) => s.split(' ').map((f) => f.split('=')[0]!);
    const seen = new Set(keysOf(state));
    // Keys every allowed state has: a state without one of them lost a flag.
    const lost = keysOf([...this.allowed][0] ?? '').filter(
      (k) => k !== '' && !seen.has(k) && [...this.allowed].every((a) => keysOf(a).includes(k)),
    );
    this.violation(
      lost.length > 0 ? 'lost-flag' : 'unexpected-state',
      `${client} saw "${state}"${lost.length > 0 ? ` without ${lost.join(', ')}` : ''}; allowed: ${[...this.allowed].map((s) => `"${s}"`).join(' | ')}`,
    );
  }

  async step(step: number, op: Op): Promise<void> {
    this.current = { step, op: JSON.stringify(op) };
    const ctx: PlanContext = {
      root: this.root,
      model: this.model,
      nextVersion: () => ++this.version,
      commits: this.commits,
      canDenyRead,
    };
    const plan = planOp(op, ctx);
    if (process.env.SWITCHYARD_FAULT_VERBOSE)
      process.stdout.write(`step ${step}: ${this.current.op}\n`);
    this.allowed = allowedStates(this.model, plan.touched);
    const logsFrom = this.daemon!.logs.length;
    await plan.run();
    const finals = new Map([...plan.touched].map(([id, t]) => [id, t.final] as const));
    const next = advance(this.model, finals);
    if (op.type === 'git-checkout') this.checkCheckout(next);
    const reports = [...finals].flatMap(([id, final]) => {
      const code = expectedProblem(id, final);
      return code && code !== expectedProblem(id, this.model[id].disk) ? [{ id, code }] : [];
    });
    this.model = next;
    await this.converge(expectedState(next), reports, logsFrom);
  }

  /** The harness's own check: git left the files as committed. */
  private checkCheckout(next: Model): void {
    for (const id of ['a', 'b', 'c'] as const) {
      const disk = next[id].disk;
      const text = disk.kind === 'valid' ? renderDoc(disk.doc, ENTRIES[id].format) : '';
      if (readFileSync(join(this.root, ENTRIES[id].path), 'utf8') !== text) {
        this.violation('harness', `git checkout left ${ENTRIES[id].path} unlike the commit`);
      }
    }
  }

  private reported(report: { id: EntryId; code: string }, from: number): boolean {
    const prefix = `${ENTRIES[report.id].path}:`;
    return this.daemon!.logs.slice(from).some(
      (l) => l.level >= 50 && l.code === report.code && l.msg.startsWith(prefix),
    );
  }

  /** Waits until both clients hold `expected` and every report is logged. */
  private async converge(
    expected: string,
    reports: { id: EntryId; code: string }[],
    logsFrom = 0,
  ): Promise<void> {
    const done = () =>
      this.last.sync === expected &&
      this.last.provider === expected &&
      reports.every((r) => this.reported(r, logsFrom));
    const ok = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => finish(false), CONVERGE_MS);
      const finish = (result: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(result);
      };
      const check = () => {
        if (done()) finish(true);
      };
      this.waiters.add(check);
      void this.daemon!.exited.then(() => finish(false));
      check();
    });
    if (ok) return;
    if (this.last.sync !== expected || this.last.provider !== expected) {
      this.violation(
        'no-convergence',
        `expected "${expected}"; sync client has "${this.last.sync}", provider has "${this.last.provider}"; daemon log:\n${this.daemon!.tail()}`,
      );
    }
    for (const r of reports.filter((r) => !this.reported(r, logsFrom))) {
      this.violation(
        'unreported',
        `${ENTRIES[r.id].path} should have been reported ${r.code}; daemon log:\n${this.daemon!.tail()}`,
      );
    }
  }
}
