// The daemon as a child process: a SIGKILL really drops its HTTP/2
// streams, as the launchpad's `/stop` and `/restart` do to flagd. Output goes to a log file in
// the work dir; errors quote its tail.
import { type ChildProcess, spawn } from 'node:child_process';
import {
  appendFileSync,
  closeSync,
  existsSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
} from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { repositoryRoot } from '../support/testbed.js';

export class DaemonStartError extends Error {
  override readonly name = 'DaemonStartError';
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Whether packages/<name>/dist/cjs is missing or older than packages/<name>/src. */
export function staleBuild(name: string): boolean {
  const pkg = join(repositoryRoot(), 'packages', name);
  const built = join(pkg, 'dist', 'cjs', 'index.js');
  return !existsSync(built) || newestMtime(join(pkg, 'src')) > statSync(built).mtimeMs;
}

/**
 * The command that runs `switchyard` (before `start …`): SWITCHYARD_DAEMON_COMMAND (a JSON
 * array) when set; else the package's bin script when the daemon and its workspace
 * dependencies are built and current (npm test builds first); else from-source.cjs, which runs
 * the CLI from the TypeScript sources.
 */
export function daemonCommand(): string[] {
  const configured = process.env.SWITCHYARD_DAEMON_COMMAND;
  if (configured) {
    const parsed: unknown = JSON.parse(configured);
    if (
      !Array.isArray(parsed) ||
      parsed.length === 0 ||
      !parsed.every((p) => typeof p === 'string')
    ) {
      throw new Error('SWITCHYARD_DAEMON_COMMAND must be a JSON array of strings');
    }
    return parsed as string[];
  }
  if (['core', 'protocol', 'sources', 'gitops', 'daemon'].some(staleBuild)) {
    return [process.execPath, join(__dirname, 'from-source.cjs')];
  }
  return [process.execPath, join(repositoryRoot(), 'packages', 'daemon', 'bin', 'switchyard.cjs')];
}

/** The child's environment: ours without FLAGD_* (scenarios set those for the provider). */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('FLAGD_')) env[k] = v;
  return env;
}

export function readyzStatus(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = get({ host: '127.0.0.1', port, path: '/readyz', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}

export class DaemonProcess {
  private readonly child: ChildProcess;
  readonly exited: Promise<number | string | null>;
  private exitCode: number | string | null | undefined;

  constructor(
    args: readonly string[],
    readonly cwd: string,
    readonly logFile: string,
  ) {
    const [cmd, ...prefix] = daemonCommand();
    appendFileSync(logFile, `\n$ (cd ${cwd} && ${[cmd, ...prefix, ...args].join(' ')})\n`);
    const fd = openSync(logFile, 'a');
    try {
      this.child = spawn(cmd!, [...prefix, ...args], {
        cwd,
        env: childEnv(),
        stdio: ['ignore', fd, fd],
      });
    } finally {
      closeSync(fd);
    }
    // A test run that dies must not leave daemons behind holding ports.
    const reap = (): void => {
      if (this.alive) this.child.kill('SIGKILL');
    };
    process.once('exit', reap);
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        process.off('exit', reap);
        this.exitCode = code ?? signal;
        resolve(this.exitCode);
      });
      this.child.once('error', (error) => {
        this.exitCode = `spawn error: ${error.message}`;
        resolve(this.exitCode);
      });
    });
  }

  get alive(): boolean {
    return this.exitCode === undefined;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  logTail(lines = 30): string {
    if (!existsSync(this.logFile)) return '(no log)';
    return readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n');
  }

  /** Polls the management port's /readyz until 200; fails at once if the process exits. */
  async waitReady(managementPort: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last: number | undefined;
    while (Date.now() < deadline) {
      if (!this.alive) {
        throw new DaemonStartError(
          `daemon exited (${String(this.exitCode)}) before /readyz answered 200; log:\n${this.logTail()}`,
        );
      }
      last = await readyzStatus(managementPort);
      if (last === 200) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new DaemonStartError(
      `daemon not ready within ${timeoutMs} ms (last /readyz: ${last ?? 'no answer'}); log:\n${this.logTail()}`,
    );
  }

  /** SIGKILL (no graceful stream shutdown) and wait for the exit. */
  async kill(): Promise<void> {
    if (this.alive) this.child.kill('SIGKILL');
    await this.exited;
  }
}
