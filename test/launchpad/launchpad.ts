// A TypeScript emulation of the flagd-testbed launchpad (open-feature/flagd-testbed:launchpad)
// around `switchyard start`: the merged flag file in a temp work dir, the named daemon configs on
// free loopback ports, start/stop/restart/change, and the envoy stand-ins (a 403 responder, an
// authority-routing proxy) plus a closed port for `unavailable`.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testbedPath } from '../support/testbed.js';
import { type AuthorityProxy, startAuthorityProxy } from './authority-proxy.js';
import { DaemonProcess } from './daemon-process.js';
import {
  CHANGING_FLAG,
  deleteMergedFlags,
  generateMergedFlags,
  MERGED_FILE,
  prepareWorkDir,
  RAW_DIR,
  toggleChangingFlag,
} from './flags.js';
import { startForbiddenResponder } from './forbidden.js';
import type { Listener } from './http2-server.js';
import { freePorts } from './ports.js';
import { waitForSync } from './sync-probe.js';
import { mintServerCertificate, type ServerCertificate } from './tls.js';

/** The testbed's four configs plus ours for `@unixsocket` (the stock launchpad has none). */
export type LaunchpadConfig = 'default' | 'ssl' | 'metadata' | 'sync-payload' | 'socket';

export const CONFIGS: readonly LaunchpadConfig[] = [
  'default',
  'ssl',
  'metadata',
  'sync-payload',
  'socket',
];

export interface LaunchpadPorts {
  readonly sync: number;
  readonly management: number;
  /** `--port` (flagd's evaluation service; the proxy routes non-sync authorities there). */
  readonly evaluation: number;
  readonly ofrep: number;
  /** The 403 responder (envoy 9212). */
  readonly forbidden: number;
  /** The authority-routing proxy (envoy 9211). */
  readonly proxy: number;
  /** Nothing listens here. */
  readonly unavailable: number;
}

interface PendingRestart {
  timer: NodeJS.Timeout | undefined;
  readonly done: Promise<void>;
  readonly settle: (error?: unknown) => void;
}

export interface LaunchpadOptions {
  /** Bound on /start's readiness wait (the launchpad's is 10 s). */
  readonly readyTimeoutMs?: number;
  /** Bound on /change's wait for the daemon to serve the change (the launchpad's is 5 s). */
  readonly changeTimeoutMs?: number;
  /** Keep the work dir after close (debugging). */
  readonly keepWorkDir?: boolean;
}

export class Launchpad {
  private daemon: DaemonProcess | undefined;
  private current: LaunchpadConfig | undefined;
  private pending: PendingRestart | undefined;
  private restartError: unknown;
  private closed = false;

  private constructor(
    readonly workDir: string,
    readonly ports: LaunchpadPorts,
    readonly certificate: ServerCertificate,
    readonly socketPath: string,
    private readonly forbidden: Listener,
    readonly proxy: AuthorityProxy,
    private readonly options: LaunchpadOptions,
  ) {}

  /** Prepares the work dir, certificate, configs and the envoy stand-ins (no daemon yet). */
  static async create(options: LaunchpadOptions = {}): Promise<Launchpad> {
    const workDir = mkdtempSync(join(tmpdir(), 'switchyard-launchpad-'));
    try {
      prepareWorkDir(testbedPath('flags'), workDir);
      const sslDir = join(workDir, 'ssl');
      mkdirSync(sslDir);
      const certificate = mintServerCertificate(testbedPath('ssl'), sslDir);
      // Short, so it fits a unix socket path (108 bytes) whatever TMPDIR is.
      const socketPath = join(workDir, 'sync.sock');
      const [sync, management, evaluation, ofrep, unavailable] = await freePorts(5);
      const forbidden = await startForbiddenResponder();
      const proxy = await startAuthorityProxy({ sync: sync!, evaluation: evaluation! });
      const ports: LaunchpadPorts = {
        sync: sync!,
        management: management!,
        evaluation: evaluation!,
        ofrep: ofrep!,
        forbidden: forbidden.port,
        proxy: proxy.port,
        unavailable: unavailable!,
      };
      writeConfigs(workDir, certificate, socketPath);
      return new Launchpad(workDir, ports, certificate, socketPath, forbidden, proxy, options);
    } catch (error) {
      rmSync(workDir, { recursive: true, force: true });
      throw error;
    }
  }

  get config(): LaunchpadConfig | undefined {
    return this.current;
  }

  /** The merged flag file (file-mode providers read it; restart deletes it). */
  get mergedFlagsPath(): string {
    return join(this.workDir, MERGED_FILE);
  }

  rawFlagsPath(file: string): string {
    return join(this.workDir, RAW_DIR, file);
  }

  /** Whether the daemon runs `config` and no restart is pending. */
  isServing(config: LaunchpadConfig): boolean {
    return this.current === config && this.daemon?.alive === true && this.pending === undefined;
  }

  /** `/start?config=`: kill the daemon, cancel a pending restart, start `config`, wait ready. */
  async start(config: LaunchpadConfig): Promise<void> {
    this.assertOpen();
    await this.settleRestart();
    await this.killDaemon();
    this.current = config;
    await this.spawn();
  }

  /** `start(config)` unless it is already being served (scenarios share a healthy daemon). */
  async ensure(config: LaunchpadConfig): Promise<void> {
    if (!this.isServing(config)) await this.start(config);
  }

  /**
   * For suites that read the files but need no daemon (file mode): cancel a waiting restart
   * and regenerate allFlags.json if an outage left it deleted.
   */
  async ensureFiles(): Promise<void> {
    this.assertOpen();
    await this.settleRestart();
    if (!existsSync(this.mergedFlagsPath)) generateMergedFlags(this.workDir);
  }

  /** `/stop`: SIGKILL, so streams break abruptly. */
  async stop(): Promise<void> {
    await this.settleRestart();
    await this.killDaemon();
  }

  /**
   * `/restart?seconds=N`: delete allFlags.json (the file-mode outage), SIGKILL the daemon, and
   * after N s regenerate the file and start the last config again. Returns at once; a
   * respawn failure is reported by the next start() or by `whenRestarted()`.
   */
  restart(seconds: number): void {
    this.assertOpen();
    this.cancelRestart();
    deleteMergedFlags(this.workDir);
    const killed = this.killDaemon();
    this.restartError = undefined;
    let settle: (error?: unknown) => void = () => {};
    const done = new Promise<void>((resolve, reject) => {
      settle = (error) => (error === undefined ? resolve() : reject(error));
    });
    done.catch(() => {});
    const entry: PendingRestart = { timer: undefined, done, settle };
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      killed
        .then(() => {
          generateMergedFlags(this.workDir);
          return this.current ? this.spawn() : undefined;
        })
        .then(
          () => settle(),
          (error: unknown) => {
            this.restartError = error;
            settle(error);
          },
        )
        .finally(() => {
          if (this.pending === entry) this.pending = undefined;
        });
    }, seconds * 1000);
    this.pending = entry;
  }

  /** Resolves when a pending restart has respawned the daemon (rejects if that failed). */
  async whenRestarted(): Promise<void> {
    await this.pending?.done;
    if (this.restartError) throw this.restartError;
  }

  /**
   * `/change`: toggle `changing-flag`'s defaultVariant foo↔bar in rawflags (atomic rename),
   * regenerate allFlags.json (atomic rename), and — when the daemon serves the merged file —
   * resolve once a SyncFlags stream delivers the new variant. Returns the new variant.
   */
  async change(): Promise<string> {
    this.assertOpen();
    const next = toggleChangingFlag(this.workDir);
    generateMergedFlags(this.workDir);
    if (this.current && this.current !== 'metadata' && this.isServing(this.current)) {
      await waitForSync(
        this.syncEndpoint(),
        (flags) => flags[CHANGING_FLAG]?.defaultVariant === next,
        this.options.changeTimeoutMs ?? 5000,
      );
    }
    return next;
  }

  /** How to reach the current config's sync service directly. */
  syncEndpoint(): { target: string; ca?: Buffer } {
    if (this.current === 'socket') return { target: `unix:${this.socketPath}` };
    if (this.current === 'ssl') {
      return { target: `localhost:${this.ports.sync}`, ca: readFileSync(this.certificate.caPath) };
    }
    return { target: `127.0.0.1:${this.ports.sync}` };
  }

  /** Stops everything and removes the work dir. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.stop();
    this.closed = true;
    await Promise.all([this.proxy.close(), this.forbidden.close()]);
    if (!this.options.keepWorkDir) rmSync(this.workDir, { recursive: true, force: true });
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('launchpad is closed');
  }

  /** Drops a restart whose timer has not fired yet (the launchpad cancels it on /start). */
  private cancelRestart(): void {
    const pending = this.pending;
    if (pending?.timer) {
      clearTimeout(pending.timer);
      pending.timer = undefined;
      pending.settle();
      this.pending = undefined;
    }
  }

  /** Cancels a waiting restart, or waits for one that is respawning the daemon. */
  private async settleRestart(): Promise<void> {
    this.cancelRestart();
    await this.pending?.done.catch(() => {});
  }

  private async killDaemon(): Promise<void> {
    const daemon = this.daemon;
    this.daemon = undefined;
    await daemon?.kill();
  }

  private async spawn(): Promise<void> {
    const config = this.current;
    if (!config) throw new Error('no config to start');
    // As launchpad's ensureStartConditions: regenerate a missing merged file.
    if (!existsSync(this.mergedFlagsPath)) generateMergedFlags(this.workDir);
    if (config === 'socket') rmSync(this.socketPath, { force: true });
    const daemon = new DaemonProcess(
      [
        'start',
        '--config',
        join('configs', `${config}.json`),
        '--port',
        String(this.ports.evaluation),
        '--sync-port',
        String(this.ports.sync),
        '--management-port',
        String(this.ports.management),
        '--ofrep-port',
        String(this.ports.ofrep),
      ],
      this.workDir,
      join(this.workDir, 'daemon.log'),
    );
    this.daemon = daemon;
    try {
      await daemon.waitReady(this.ports.management, this.options.readyTimeoutMs ?? 10_000);
    } catch (error) {
      await daemon.kill();
      if (this.daemon === daemon) this.daemon = undefined;
      throw error;
    }
  }
}

/**
 * configs/<name>.json in the work dir: the testbed's launchpad configs with the server
 * certificate paths pointing at the minted certificate, and `socket` = default + a unix socket.
 * Ports are given on the command line (flags beat the config file, as in flagd).
 */
function writeConfigs(workDir: string, certificate: ServerCertificate, socketPath: string): void {
  const dir = join(workDir, 'configs');
  mkdirSync(dir, { recursive: true });
  const read = (name: string): Record<string, unknown> =>
    JSON.parse(readFileSync(testbedPath('launchpad', 'configs', `${name}.json`), 'utf8')) as Record<
      string,
      unknown
    >;
  const write = (name: LaunchpadConfig, config: Record<string, unknown>): void => {
    writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(config, null, 2)}\n`);
  };
  write('default', read('default'));
  write('metadata', read('metadata'));
  write('sync-payload', read('sync-payload'));
  write('ssl', {
    ...read('ssl'),
    'server-cert-path': certificate.certPath,
    'server-key-path': certificate.keyPath,
  });
  write('socket', { ...read('default'), 'sync-socket-path': socketPath });
}
