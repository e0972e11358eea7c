// Reconnect benchmark: CLIENTS providers (ours, then the official @openfeature/flagd-provider,
// both in-process with default options) in PROCESSES child processes, connected to a real
// `switchyard start`. The daemon is killed with SIGKILL, the flag file changed, and after
// outageMs the daemon started again on the same ports. Measured: the time from the new daemon's
// /readyz answering 200 until each client first evaluates the new value; checked: no evaluation
// during the outage returned a default.
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BenchDaemon, daemonPorts } from './daemon.js';
import { benchFlags } from './fixtures.js';
import type { ClientKind, ClientReport, FromClient, ToClient } from './reconnect-messages.js';

const FLAG_KEY = 'reconnect-flag';
const BEFORE = 'before-outage';
const AFTER = 'after-outage';

export interface ReconnectOptions {
  readonly clients: number;
  readonly processes: number;
  readonly outageMs: number;
}

export interface ReconnectResult {
  readonly kind: ClientKind;
  /** Per client: ms from /readyz 200 until it held the new value (0 if it held it earlier). */
  readonly afterReadyMs: number[];
  readonly evaluations: number;
  readonly defaults: number;
  readonly firstDefault: string | undefined;
  readonly events: Record<string, number>;
  /** SIGKILL until /readyz 200 of the restarted daemon. */
  readonly downMs: number;
}

function flagFile(path: string, value: string): void {
  const config = benchFlags(100) as { flags: Record<string, unknown> };
  config.flags[FLAG_KEY] = {
    state: 'ENABLED',
    variants: { [BEFORE]: BEFORE, [AFTER]: AFTER },
    defaultVariant: value,
  };
  writeFileSync(`${path}.tmp`, JSON.stringify(config));
  renameSync(`${path}.tmp`, path); // an atomic save, as editors and ConfigMaps do
}

/** A client process and the next message it sends. */
class ClientProcess {
  private readonly child: ChildProcess;
  private readonly inbox: FromClient[] = [];
  private wake: (() => void) | undefined;

  constructor() {
    this.child = fork(join(__dirname, 'reconnect-client.js'), [], { stdio: 'inherit' });
    this.child.on('message', (message: FromClient) => {
      this.inbox.push(message);
      this.wake?.();
    });
    this.child.on('exit', () => this.wake?.());
  }

  send(message: ToClient): void {
    this.child.send(message);
  }

  async next<T extends FromClient['type']>(type: T, timeoutMs: number) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const message = this.inbox.shift();
      if (message?.type === 'failed') throw new Error(`client process: ${message.message}`);
      if (message?.type === type) return message as Extract<FromClient, { type: T }>;
      if (message === undefined) {
        if (this.child.exitCode !== null) throw new Error('client process exited');
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          setTimeout(resolve, 100);
        });
      }
    }
    throw new Error(`no '${type}' from a client process within ${timeoutMs} ms`);
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.send({ type: 'close' });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

function merge(kind: ClientKind, reports: ClientReport[], readyAt: number, downMs: number) {
  const events: Record<string, number> = {};
  for (const r of reports) {
    for (const [type, n] of Object.entries(r.events)) events[type] = (events[type] ?? 0) + n;
  }
  return {
    kind,
    afterReadyMs: reports.flatMap((r) => r.heldAt.map((at) => Math.max(0, at - readyAt))),
    evaluations: reports.reduce((n, r) => n + r.evaluations, 0),
    defaults: reports.reduce((n, r) => n + r.defaults, 0),
    firstDefault: reports.find((r) => r.firstDefault)?.firstDefault,
    events,
    downMs,
  };
}

/** One kill-and-restart round for one kind of provider. */
export async function measureReconnect(
  kind: ClientKind,
  options: ReconnectOptions,
): Promise<ReconnectResult> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-bench-reconnect-'));
  const flagsPath = join(dir, 'flags.json');
  flagFile(flagsPath, BEFORE);
  const ports = await daemonPorts();
  let { daemon } = await BenchDaemon.start(flagsPath, ports);
  const processes = Array.from({ length: options.processes }, () => new ClientProcess());
  try {
    // 127.0.0.1 … 127.0.0.N all reach the daemon (it binds 0.0.0.0); a distinct address per
    // client keeps grpc-js from sharing one connection among the clients of a process.
    const hosts = Array.from({ length: options.clients }, (_, i) => `127.0.0.${i + 1}`);
    const per = Math.ceil(options.clients / options.processes);
    processes.forEach((p, i) => {
      const slice = hosts.slice(i * per, (i + 1) * per);
      p.send({
        type: 'init',
        kind,
        hosts: slice,
        port: ports.sync,
        flagKey: FLAG_KEY,
        before: BEFORE,
        after: AFTER,
      });
    });
    await Promise.all(processes.map((p) => p.next('ready', 60_000)));
    for (const p of processes) p.send({ type: 'outage' });
    const killedAt = Date.now();
    await daemon.kill();
    flagFile(flagsPath, AFTER);
    await new Promise((resolve) => setTimeout(resolve, options.outageMs));
    const restarted = await BenchDaemon.start(flagsPath, ports);
    daemon = restarted.daemon;
    const done = await Promise.all(processes.map((p) => p.next('done', 120_000)));
    const reports = done.map((d) => d.report);
    return merge(kind, reports, restarted.readyAt, restarted.readyAt - killedAt);
  } finally {
    await Promise.all(processes.map((p) => p.close()));
    await daemon.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

/** The markdown table of one or more rounds (ours first), with the ratios to the official provider. */
export function reconnectTable(results: readonly ReconnectResult[], options: ReconnectOptions) {
  const stats = results.map((r) => {
    const sorted = [...r.afterReadyMs].sort((a, b) => a - b);
    return { r, p50: quantile(sorted, 0.5), p95: quantile(sorted, 0.95), max: sorted.at(-1)! };
  });
  const lines = [
    '| provider | clients | p50 | p95 | max | evaluations during outage | defaults returned | STALE / ERROR / READY events | daemon down (kill → /readyz 200) |',
    '|---|---:|---:|---:|---:|---:|---:|---|---:|',
  ];
  for (const { r, p50, p95, max } of stats) {
    const e = (t: string) => r.events[t] ?? 0;
    lines.push(
      `| ${r.kind} | ${r.afterReadyMs.length} | ${p50} ms | ${p95} ms | ${max} ms | ${r.evaluations} | ${r.defaults} | ${e('PROVIDER_STALE')} / ${e('PROVIDER_ERROR')} / ${e('PROVIDER_READY')} | ${r.downMs} ms |`,
    );
  }
  const ours = stats.find((s) => s.r.kind === 'switchyard');
  const theirs = stats.find((s) => s.r.kind === 'flagd-provider');
  if (ours && theirs) {
    const ratio = (a: number, b: number) => (b === 0 ? '–' : `${(a / b).toFixed(2)}×`);
    lines.push(
      '',
      '| ratio switchyard / flagd-provider | p50 | p95 | max | target |',
      '|---|---:|---:|---:|---|',
      `| time to the new value after /readyz 200 | ${ratio(ours.p50, theirs.p50)} | ${ratio(ours.p95, theirs.p95)} | ${ratio(ours.max, theirs.max)} | switchyard max ≤ 3000 ms |`,
    );
  }
  const env = `${options.clients} clients per provider in ${options.processes} processes, one connection each; outage ${options.outageMs} ms after the SIGKILL before the restart; evaluation every 50 ms and on every provider event; default options (ours: retryBackoffMs 1000, retryBackoffMaxMs 12000, retryGracePeriod 5 s; flagd-provider 0.16.1: 5000 ms, 10 s).`;
  return { table: lines.join('\n'), env };
}
