// The daemon of the reconnect benchmark: a real `switchyard start` child process (the built CLI
// of packages/daemon) on fixed loopback ports, killed with SIGKILL and started again on the same
// ports. Ports come from below the kernel's ephemeral range: a released ephemeral port can be
// taken as the local port of one of the 200 reconnecting clients, and then the restart fails.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';

export interface DaemonPorts {
  readonly sync: number;
  readonly management: number;
  readonly evaluation: number;
  readonly ofrep: number;
}

function ephemeralLow(): number {
  try {
    const text = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8');
    const low = Number(text.trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 12_000 ? low : 32_768;
  } catch {
    return 32_768;
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '0.0.0.0', exclusive: true }, () =>
      server.close(() => resolve(true)),
    );
  });
}

export async function daemonPorts(): Promise<DaemonPorts> {
  const high = ephemeralLow() - 1;
  const ports: number[] = [];
  for (let port = 10_000 + Math.floor(Math.random() * (high - 10_100)); ports.length < 4; port++) {
    if (port > high) throw new Error('no free port below the ephemeral range');
    if (await canListen(port)) ports.push(port);
  }
  const [sync, management, evaluation, ofrep] = ports as [number, number, number, number];
  return { sync, management, evaluation, ofrep };
}

function readyzStatus(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = get({ host: '127.0.0.1', port, path: '/readyz', timeout: 500 }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}

export class BenchDaemon {
  private exited = false;
  private readonly exit: Promise<void>;

  private constructor(private readonly child: ChildProcess) {
    this.exit = new Promise((resolve) =>
      child.once('exit', () => {
        this.exited = true;
        resolve();
      }),
    );
  }

  /**
   * Starts `switchyard start --uri file:<flagsPath>` and resolves with the epoch ms at which
   * /readyz first answered 200 (polled every 5 ms).
   */
  static async start(
    flagsPath: string,
    ports: DaemonPorts,
  ): Promise<{ daemon: BenchDaemon; readyAt: number }> {
    const packageDir = process.env.BENCH_PACKAGE_DIR ?? process.cwd();
    const bin = join(packageDir, '..', 'daemon', 'bin', 'switchyard.cjs');
    if (!existsSync(bin)) throw new Error(`${bin} not found: build the daemon first`);
    const args = ['start', '--uri', `file:${flagsPath}`];
    for (const [flag, port] of [
      ['--sync-port', ports.sync],
      ['--management-port', ports.management],
      ['--port', ports.evaluation],
      ['--ofrep-port', ports.ofrep],
    ] as const) {
      args.push(flag, String(port));
    }
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    const daemon = new BenchDaemon(child);
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (daemon.exited) throw new Error(`switchyard exited before ready:\n${stderr}`);
      if ((await readyzStatus(ports.management)) === 200) return { daemon, readyAt: Date.now() };
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await daemon.kill();
    throw new Error(`switchyard not ready within 30 s:\n${stderr}`);
  }

  /** SIGKILL: no graceful stream shutdown, as a crash or an OOM kill. */
  async kill(): Promise<void> {
    if (!this.exited) this.child.kill('SIGKILL');
    await this.exit;
  }
}
