// The `switchyard` command. bin/switchyard.cjs calls `main(argv)` and exits with its result.
import { startDaemon } from '../daemon.js';
import type { Daemon } from '../daemon.js';
import { SourceConfigError } from '@switchyard/sources';
import { DaemonError, UnsupportedSourceError, UsageError } from '../errors.js';
import { gitopsCommand } from '../gitops/index.js';
import { VERSION } from '../version.js';
import { parseArgs } from './args.js';
import { rootHelp, startHelp } from './help.js';
import { resolveStartOptions } from './resolve-options.js';

export const DAEMON_NAME = 'switchyard';

export interface MainIo {
  readonly env?: NodeJS.ProcessEnv;
  readonly stdout?: (text: string) => void;
  readonly stderr?: (text: string) => void;
  /** Receives the running daemon (tests, embedding). */
  readonly onStarted?: (daemon: Daemon) => void;
  /** Resolves to stop the daemon; default: the first SIGTERM or SIGINT. */
  readonly stopSignal?: Promise<unknown>;
}

function signalled(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', on);
      process.off('SIGINT', on);
      resolve(signal);
    };
    process.on('SIGTERM', on);
    process.on('SIGINT', on);
  });
}

/** Entry point of the `switchyard` command; returns the process exit code. */
export async function main(argv: readonly string[], io: MainIo = {}): Promise<number> {
  const out = io.stdout ?? ((t: string) => process.stdout.write(t));
  const err = io.stderr ?? ((t: string) => process.stderr.write(t));
  // validate / diff / eval parse their own arguments (docs/gitops.md).
  const gitops = gitopsCommand(argv[0]);
  if (gitops) {
    return gitops(argv.slice(1), {
      stdout: { write: out },
      stderr: { write: err },
      cwd: process.cwd(),
      env: io.env ?? process.env,
    });
  }
  try {
    const args = parseArgs(argv);
    const help = args.values.has('help');
    if (args.command === undefined || args.command === 'help') {
      out(rootHelp());
      return help || args.command === 'help' ? 0 : 2;
    }
    if (args.command === 'version') {
      out(`${VERSION}\n`);
      return 0;
    }
    if (args.command !== 'start')
      throw new UsageError(`USAGE: unknown command "${args.command}"; try \`switchyard --help\``);
    if (help) {
      out(startHelp());
      return 0;
    }
    return await start(args, io, out);
  } catch (error) {
    if (
      error instanceof UsageError ||
      error instanceof SourceConfigError ||
      error instanceof UnsupportedSourceError
    ) {
      err(`switchyard: ${error.message}\n`);
      return 2;
    }
    if (error instanceof DaemonError) {
      err(`switchyard: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

async function start(
  args: ReturnType<typeof parseArgs>,
  io: MainIo,
  out: (t: string) => void,
): Promise<number> {
  const resolved = resolveStartOptions(args, io.env ?? process.env);
  // Listen for the stop signal before starting, so a SIGTERM during startup is not lost.
  const stop = io.stopSignal ?? signalled();
  const daemon = await startDaemon(resolved.options);
  const { logger } = daemon;
  if (resolved.ignored.length > 0) {
    logger.warn(
      { options: resolved.ignored },
      `accepted for flagd compatibility, no effect yet: ${resolved.ignored.join(', ')}`,
    );
  }
  const sync =
    daemon.ports.sync === undefined ? daemon.syncAddress : `localhost:${daemon.ports.sync}`;
  const { evaluation, ofrep, management } = daemon.ports;
  const tls = resolved.options.serverCertPath ? ' (TLS)' : '';
  logger.info(
    { sync: daemon.syncAddress, evaluation, ofrep, management },
    `listening: flagd.sync.v1 on ${daemon.syncAddress}${tls}` +
      (evaluation === undefined ? '' : `, flagd.evaluation v1/v2 on :${evaluation}${tls}`) +
      (ofrep === undefined ? '' : `, OFREP on http://localhost:${ofrep}/ofrep/v1`) +
      `, management on http://localhost:${management} (/healthz /readyz /metrics /audit)`,
  );
  if (resolved.options.logFormat !== 'json') {
    const target =
      daemon.ports.sync === undefined
        ? `socketPath: '${resolved.options.syncSocketPath}'`
        : `host: 'localhost', port: ${daemon.ports.sync}`;
    const tlsOption = resolved.options.serverCertPath ? ', tls: true' : '';
    out(
      [
        '',
        `Connect an OpenFeature provider to ${sync} (in-process evaluation, flags streamed over flagd.sync.v1):`,
        `  new SwitchyardProvider({ ${target}${tlsOption} })   // @switchyard/openfeature-provider`,
        `  new FlagdProvider({ resolverType: 'in-process', ${target}${tlsOption} })   // @openfeature/flagd-provider`,
        `  (or FLAGD_RESOLVER=in-process FLAGD_PORT=${daemon.ports.sync ?? ''} for providers configured from the environment)`,
        ...(evaluation === undefined
          ? []
          : [`Remote evaluation: FlagdProvider({ resolverType: 'rpc', port: ${evaluation} })`]),
        ...(ofrep === undefined
          ? []
          : [
              `OFREP: curl -X POST http://localhost:${ofrep}/ofrep/v1/evaluate/flags -d '{"context":{"targetingKey":"u1"}}'`,
            ]),
        '',
        '',
      ].join('\n'),
    );
  }
  io.onStarted?.(daemon);
  const reason = await stop;
  logger.info({ reason: String(reason) }, 'shutting down: closing streams');
  await daemon.close();
  logger.info('stopped');
  return 0;
}
