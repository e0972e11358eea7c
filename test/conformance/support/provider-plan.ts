// What `a <kind> flagd provider` means for each resolver (the testbed's `Given` steps): which
// launchpad config runs, and the connection options the provider gets on top of the scenario's
// options and the test defaults. Shared by our provider's suites and the official provider's.
import { rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import type { Server } from 'node:net';
import { join } from 'node:path';
import type { Launchpad, LaunchpadConfig } from '../../launchpad/launchpad.js';
import type { ProviderKind } from '../../gherkin/world.js';

/**
 * The JS e2e harness's fast settings (open-feature/js-sdk-contrib:libs/providers/flagd/src/e2e):
 * retryGracePeriod 2 s is required by the grace timings (a 3 s outage must give stale → error →
 * ready).
 */
export const TEST_DEFAULTS: Readonly<Record<string, unknown>> = {
  retryGracePeriod: 2,
  deadlineMs: 15_000,
  keepAliveTime: 200,
  retryBackoffMs: 100,
  retryBackoffMaxMs: 1000,
};

export interface ProviderPlan {
  /** Launchpad config to serve (undefined: no daemon needed). */
  readonly config: LaunchpadConfig | undefined;
  /** Connection options (host/port, tls, socketPath, offlineFlagSourcePath, ...). */
  readonly connection: Readonly<Record<string, unknown>>;
  /** Whether creating the provider waits for READY (not for unavailable/forbidden). */
  readonly waitForReady: boolean;
  /** `targetUri` with the proxy's port substituted for `<port>`, when the scenario sets one. */
  readonly targetUri?: string;
}

const CONFIG_OF: Record<ProviderKind, LaunchpadConfig> = {
  stable: 'default',
  unavailable: 'default',
  forbidden: 'default',
  ssl: 'ssl',
  socket: 'socket',
  metadata: 'metadata',
  syncpayload: 'sync-payload',
};

/**
 * In-process: the daemon's sync service. A scenario's `targetUri` replaces host and port
 * (so a provider that ignores it connects to flagd's default 8015, where nothing listens, and
 * the scenario fails instead of passing by accident).
 */
export function inProcessPlan(
  kind: ProviderKind,
  launchpad: Launchpad,
  options: Readonly<Record<string, unknown>>,
): ProviderPlan {
  const { ports } = launchpad;
  const config = CONFIG_OF[kind];
  const waitForReady = kind !== 'unavailable' && kind !== 'forbidden';
  if (typeof options.targetUri === 'string') {
    const targetUri = options.targetUri.replace('<port>', String(ports.proxy));
    return { config, connection: {}, waitForReady, targetUri };
  }
  switch (kind) {
    case 'unavailable':
      return { config, connection: { host: 'localhost', port: ports.unavailable }, waitForReady };
    case 'forbidden':
      return { config, connection: { host: 'localhost', port: ports.forbidden }, waitForReady };
    case 'ssl':
      return {
        config,
        connection: {
          host: 'localhost',
          port: ports.sync,
          tls: true,
          certPath: launchpad.certificate.caPath,
        },
        waitForReady,
      };
    case 'socket':
      return { config, connection: { socketPath: launchpad.socketPath }, waitForReady };
    default:
      return { config, connection: { host: 'localhost', port: ports.sync }, waitForReady };
  }
}

/**
 * File mode: offlineFlagSourcePath of the generated allFlags.json; the metadata provider reads
 * selector-flag-combined-metadata.json (the launchpad does not merge selector files into
 * allFlags.json, open-feature/flagd-testbed:launchpad/pkg/json.go); an
 * unavailable provider points at a file that does not exist. No daemon is needed.
 */
export function filePlan(kind: ProviderKind, launchpad: Launchpad): ProviderPlan {
  const waitForReady = kind !== 'unavailable' && kind !== 'forbidden';
  let path = launchpad.mergedFlagsPath;
  if (kind === 'metadata') path = launchpad.rawFlagsPath('selector-flag-combined-metadata.json');
  if (kind === 'unavailable' || kind === 'forbidden') {
    path = launchpad.rawFlagsPath('does-not-exist.json');
  }
  return { config: undefined, connection: { offlineFlagSourcePath: path }, waitForReady };
}

/** Starts (or keeps) what the plan needs. */
export async function preparePlan(plan: ProviderPlan, launchpad: Launchpad): Promise<void> {
  if (plan.config) await launchpad.ensure(plan.config);
  else await launchpad.ensureFiles();
}

/**
 * The launchpad's `socket` config puts only the sync service on a unix socket. For RPC mode the
 * evaluation service is reached through a byte pipe from a socket path to the daemon's --port
 * (the daemon's own --socket-path is covered by packages/daemon/test/remote). One pipe per
 * launchpad; `closeEvaluationSockets()` after the suite.
 */
const socketPipes = new Map<Launchpad, { path: string; server: Server }>();

async function evaluationSocket(lp: Launchpad): Promise<string> {
  const existing = socketPipes.get(lp);
  if (existing) return existing.path;
  const path = join(lp.workDir, 'eval.sock');
  rmSync(path, { force: true });
  const server = createServer((inbound) => {
    const outbound = createConnection(lp.ports.evaluation, '127.0.0.1');
    inbound.pipe(outbound).pipe(inbound);
    const drop = () => {
      inbound.destroy();
      outbound.destroy();
    };
    inbound.on('error', drop);
    outbound.on('error', drop);
    inbound.on('close', drop);
    outbound.on('close', drop);
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  socketPipes.set(lp, { path, server });
  return path;
}

export async function closeEvaluationSockets(): Promise<void> {
  const pipes = [...socketPipes.values()];
  socketPipes.clear();
  await Promise.all(
    pipes.map((pipe) => new Promise<void>((resolve) => pipe.server.close(() => resolve()))),
  );
}

/**
 * RPC mode: the daemon's evaluation port (flagd's 8013). A scenario's `targetUri` goes to the
 * authority proxy, which routes authorities other than the sync ones to the evaluation port.
 */
export async function rpcPlan(
  kind: ProviderKind,
  launchpad: Launchpad,
  options: Readonly<Record<string, unknown>>,
): Promise<ProviderPlan> {
  const { ports } = launchpad;
  const config = CONFIG_OF[kind];
  const waitForReady = kind !== 'unavailable' && kind !== 'forbidden';
  if (typeof options.targetUri === 'string') {
    const targetUri = options.targetUri.replace('<port>', String(ports.proxy));
    return { config, connection: {}, waitForReady, targetUri };
  }
  const at = (port: number) => ({ config, connection: { host: 'localhost', port }, waitForReady });
  switch (kind) {
    case 'unavailable':
      return at(ports.unavailable);
    case 'forbidden':
      return at(ports.forbidden);
    case 'ssl':
      return {
        config,
        connection: {
          host: 'localhost',
          port: ports.evaluation,
          tls: true,
          certPath: launchpad.certificate.caPath,
        },
        waitForReady,
      };
    case 'socket':
      await launchpad.ensure(config);
      return {
        config,
        connection: { socketPath: await evaluationSocket(launchpad) },
        waitForReady,
      };
    default:
      return at(ports.evaluation);
  }
}
