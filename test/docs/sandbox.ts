// Where the Markdown examples run. A temp directory holds `switchyard/`, a stand-in for the
// checkout (a symlink to each top-level entry of the repository, except `flags/`, which is a
// copy, so an example may edit flags without touching the repository), a `bin/` with the
// `switchyard` command an installed package would put on the PATH, and room beside the
// checkout for the examples' own directories (`../my-app`). Commands run in `switchyard/`, as a
// reader runs them at the root of the clone.
import {
  chmodSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DaemonProcess } from '../launchpad/daemon-process.js';
import { freePorts } from '../launchpad/ports.js';
import { repositoryRoot } from '../support/testbed.js';

/** The ports the READMEs use (flagd's defaults) and what a daemon listens on instead. */
export interface PortSet {
  readonly evaluation: number;
  readonly management: number;
  readonly sync: number;
  readonly ofrep: number;
}

export const DEFAULT_PORTS: PortSet = {
  evaluation: 8013,
  management: 8014,
  sync: 8015,
  ofrep: 8016,
};

/** flagd's port variables: what a `switchyard start` in an example listens on. */
export function portEnv(ports: PortSet): NodeJS.ProcessEnv {
  return {
    FLAGD_PORT: String(ports.evaluation),
    FLAGD_MANAGEMENT_PORT: String(ports.management),
    FLAGD_SYNC_PORT: String(ports.sync),
    FLAGD_OFREP_PORT: String(ports.ofrep),
  };
}

/**
 * The example's text with flagd's default ports replaced by the test daemon's: `localhost:8016`
 * in a curl command, `port: 8015` in a provider's options. A whole number only (`18013` stays).
 */
export function mapPorts(code: string, ports: PortSet): string {
  const to = new Map<string, number>(
    (Object.keys(DEFAULT_PORTS) as (keyof PortSet)[]).map((k) => [
      String(DEFAULT_PORTS[k]),
      ports[k],
    ]),
  );
  return code.replace(/(?<![\w.])(801[3-6])(?![\w.])/g, (port) => String(to.get(port) ?? port));
}

export async function freePortSet(): Promise<PortSet> {
  const [evaluation, management, sync, ofrep] = (await freePorts(4)) as [
    number,
    number,
    number,
    number,
  ];
  return { evaluation, management, sync, ofrep };
}

export interface Sandbox {
  readonly base: string;
  /** The stand-in checkout: the working directory of every example. */
  readonly checkout: string;
  /** PATH with the sandbox's `bin/` first. */
  readonly path: string;
  /** Where program examples are written (inside the repository's test/, for module resolution). */
  readonly programs: string;
  close(): void;
}

export function createSandbox(): Sandbox {
  const root = repositoryRoot();
  const base = mkdtempSync(join(tmpdir(), 'switchyard-docs-'));
  const checkout = join(base, 'switchyard');
  mkdirSync(checkout);
  // packs/ is where `npm run pack` writes (the real root's); present before it runs, so that the
  // stand-in's link exists.
  mkdirSync(join(root, 'packs'), { recursive: true });
  for (const entry of readdirSync(root)) {
    if (entry === '.git' || entry === 'flags') continue;
    symlinkSync(join(root, entry), join(checkout, entry));
  }
  cpSync(join(root, 'flags'), join(checkout, 'flags'), { recursive: true });
  const bin = join(base, 'bin');
  mkdirSync(bin);
  const cli = join(root, 'packages', 'daemon', 'bin', 'switchyard.cjs');
  writeFileSync(join(bin, 'switchyard'), `#!/bin/sh\nexec "${process.execPath}" "${cli}" "$@"\n`);
  chmodSync(join(bin, 'switchyard'), 0o755);
  mkdirSync(join(root, 'test', '.tmp'), { recursive: true });
  const programs = mkdtempSync(join(root, 'test', '.tmp', 'docs-'));
  return {
    base,
    checkout,
    path: `${bin}:${process.env.PATH ?? ''}`,
    programs,
    close: () => {
      rmSync(base, { recursive: true, force: true });
      rmSync(programs, { recursive: true, force: true });
    },
  };
}

/**
 * `npm start`'s daemon (`switchyard start --uri file:flags` at the root of the checkout) on free
 * ports, serving the sandbox's copy of flags/.
 */
export async function startExampleDaemon(sandbox: Sandbox): Promise<{
  ports: PortSet;
  daemon: DaemonProcess;
}> {
  const ports = await freePortSet();
  const args = [
    'start',
    '--uri',
    'file:flags',
    '--port',
    String(ports.evaluation),
    '--management-port',
    String(ports.management),
    '--sync-port',
    String(ports.sync),
    '--ofrep-port',
    String(ports.ofrep),
  ];
  const daemon = new DaemonProcess(args, sandbox.checkout, join(sandbox.base, 'daemon.log'));
  await daemon.waitReady(ports.management, 30_000);
  return { ports, daemon };
}
