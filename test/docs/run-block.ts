// Running the examples of a Markdown file: shell blocks as one bash script each, daemons
// (`until-ready` blocks) until they answer /readyz, programs as ES modules under Node. Every
// runner returns what happened; the test decides what is a failure.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readyzStatus } from '../launchpad/daemon-process.js';
import { type PortSet, type Sandbox, freePortSet, mapPorts, portEnv } from './sandbox.js';

export interface RunResult {
  /** Exit code, or the signal's name. */
  readonly exit: number | string;
  readonly output: string;
  readonly timedOut: boolean;
}

/**
 * The environment of every example: ours without FLAGD_* (an example must not inherit the test
 * run's flagd settings), the sandbox's `switchyard` first on the PATH, and npm kept quiet and
 * offline-first (what an example installs is usually in the cache already).
 */
export function exampleEnv(sandbox: Sandbox): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('FLAGD_') && !key.startsWith('npm_')) env[key] = value;
  }
  return {
    ...env,
    PATH: sandbox.path,
    npm_config_prefer_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    npm_config_loglevel: 'error',
  };
}

const MAX_OUTPUT = 64 * 1024;

/** Runs a command to its end (or the timeout), collecting at most the last 64 KB of output. */
export function runToEnd(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    const collect = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-MAX_OUTPUT);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid, 'SIGKILL');
    }, options.timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ exit: `spawn error: ${error.message}`, output, timedOut });
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ exit: code ?? signal ?? 'unknown', output, timedOut });
    });
  });
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/**
 * A bash prelude the reader does not see: stop at the first failing command, and make curl fail
 * on an HTTP error status (a reader sees a 404 body; the test must see a failure).
 */
const SHELL_PRELUDE = [
  'set -euo pipefail',
  'curl() { command curl --fail --show-error --max-time 30 "$@"; }',
  '',
].join('\n');

/** A shell block as one bash script in the stand-in checkout, default ports mapped to `ports`. */
export function runShell(code: string, sandbox: Sandbox, ports: PortSet): Promise<RunResult> {
  return runToEnd('bash', ['-c', SHELL_PRELUDE + mapPorts(code, ports)], {
    cwd: sandbox.checkout,
    env: exampleEnv(sandbox),
    timeoutMs: 240_000,
  });
}

/** The commands of a shell block: continuation lines joined, blank and comment lines dropped. */
export function commandsOf(code: string): string[] {
  return code
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

export interface DaemonRun {
  readonly command: string;
  readonly ready: boolean;
  readonly exit: number | string | undefined;
  readonly output: string;
}

/** Resolves with the exit (code or signal) once the process has ended. */
function exitOf(child: ReturnType<typeof spawn>): Promise<number | string> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve(child.exitCode ?? child.signalCode ?? 'unknown');
      return;
    }
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
    child.once('error', (error) => resolve(`spawn error: ${error.message}`));
  });
}

/** Polls /readyz until 200, the process ends, or the timeout; true when it answered 200. */
async function becameReady(
  port: number,
  ended: Promise<unknown>,
  timeoutMs: number,
): Promise<boolean> {
  let over = false;
  void ended.then(() => {
    over = true;
  });
  const deadline = Date.now() + timeoutMs;
  while (!over && Date.now() < deadline) {
    if ((await readyzStatus(port)) === 200) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

/**
 * One long-running command of an `until-ready` block: started with flagd's port variables set
 * to free ports (its default ports mapped to the same), it must answer /readyz 200 on its
 * management port; then it gets SIGTERM, as a reader's Ctrl-C, and must end.
 */
export async function runUntilReady(command: string, sandbox: Sandbox): Promise<DaemonRun> {
  const ports = await freePortSet();
  const log = join(sandbox.base, `until-ready-${ports.management}.log`);
  const fd = openSync(log, 'a');
  const child = spawn('bash', ['-c', `set -euo pipefail\n${mapPorts(command, ports)}`], {
    cwd: sandbox.checkout,
    env: { ...exampleEnv(sandbox), ...portEnv(ports) },
    stdio: ['ignore', fd, fd],
    detached: true,
  });
  closeSync(fd);
  const ended = exitOf(child);
  const ready = await becameReady(ports.management, ended, 180_000);
  killGroup(child.pid, 'SIGTERM');
  const forced = setTimeout(() => killGroup(child.pid, 'SIGKILL'), 15_000);
  const exit = await ended;
  clearTimeout(forced);
  return { command, ready, exit, output: readFileSync(log, 'utf8').slice(-MAX_OUTPUT) };
}

/** A compiled program example: an ES module run to the end of its top-level code. */
export function runProgram(file: string, sandbox: Sandbox): Promise<RunResult> {
  const runner = [
    "import { pathToFileURL } from 'node:url';",
    'await import(pathToFileURL(process.argv[1]).href);',
    // The example is done when its top-level code is: open streams and timers do not count.
    'process.exit(0);',
  ].join('\n');
  return runToEnd(process.execPath, ['--input-type=module', '-e', runner, file], {
    cwd: sandbox.checkout,
    env: exampleEnv(sandbox),
    timeoutMs: 60_000,
  });
}
