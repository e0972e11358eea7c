// The `switchyard` command. bin/switchyard.cjs calls `main(argv)` and exits with its result.
// `start`, `version` and `help` are the daemon's; validate, diff and eval come from
// @switchyard/gitops and parse their own arguments with the same parser. Every error raised on
// purpose ends the command with its ERROR_CODES exit code (2 for usage, 1 for startup).
import { UsageError } from '../engine.js';
import { type CliIo, gitopsCommand, reportError } from '@switchyard/gitops';
import { type Daemon, startDaemon } from '../daemon.js';
import { routeGrpcLogs } from '../grpc-logs.js';
import { createLogger } from '../logger.js';
import { VERSION } from '../version.js';
import { type CommandLine, parseCommandLine } from './command-line.js';
import { rootHelp, startHelp } from './help.js';
import { type ResolvedStart, resolveStartOptions } from './resolve-options.js';

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

/** The command's I/O as the gitops commands take it. */
function cliIo(io: MainIo): CliIo {
  const out = io.stdout ?? ((t: string) => process.stdout.write(t));
  const err = io.stderr ?? ((t: string) => process.stderr.write(t));
  return {
    stdout: { write: out },
    stderr: { write: err },
    cwd: process.cwd(),
    env: io.env ?? process.env,
  };
}

/** Entry point of the `switchyard` command; returns the process exit code. */
export async function main(argv: readonly string[], io: MainIo = {}): Promise<number> {
  const cli = cliIo(io);
  const gitops = gitopsCommand(argv[0]);
  if (gitops) return gitops(argv.slice(1), cli);
  try {
    return await daemonCommand(parseCommandLine(argv), io, cli);
  } catch (error) {
    return reportError(error, cli);
  }
}

async function daemonCommand({ command, args }: CommandLine, io: MainIo, cli: CliIo) {
  const help = args.values.has('help');
  if (args.values.has('version') || command === 'version') {
    cli.stdout.write(`${VERSION}\n`);
    return 0;
  }
  if (command === undefined || command === 'help') {
    cli.stdout.write(rootHelp());
    return help || command === 'help' ? 0 : 2;
  }
  if (command !== 'start')
    throw new UsageError(`unknown command "${command}"; try \`switchyard --help\``);
  if (help) {
    cli.stdout.write(startHelp());
    return 0;
  }
  return start(resolveStartOptions(args, cli.env), io, cli);
}

async function start(resolved: ResolvedStart, io: MainIo, cli: CliIo): Promise<number> {
  // Listen for the stop signal before starting, so a SIGTERM during startup is not lost.
  const stop = io.stopSignal ?? signalled();
  const { logFormat, debug } = resolved.options;
  const logger = createLogger({ format: logFormat ?? 'console', debug: debug ?? false });
  routeGrpcLogs(logger);
  const daemon = await startDaemon({ ...resolved.options, logger });
  if (resolved.ignored.length > 0) {
    logger.warn(
      { options: resolved.ignored },
      `accepted for flagd compatibility, no effect yet: ${resolved.ignored.join(', ')}`,
    );
  }
  logListening(daemon, resolved);
  if (logFormat !== 'json') cli.stdout.write(connectHints(daemon, resolved));
  io.onStarted?.(daemon);
  const reason = await stop;
  logger.info({ reason: String(reason) }, 'shutting down: closing streams');
  await daemon.close();
  logger.info('stopped');
  return 0;
}

function logListening(daemon: Daemon, resolved: ResolvedStart): void {
  const { evaluation, ofrep, management } = daemon.ports;
  const tls = resolved.options.serverCertPath ? ' (TLS)' : '';
  daemon.logger.info(
    { sync: daemon.syncAddress, evaluation, ofrep, management },
    `listening: flagd.sync.v1 on ${daemon.syncAddress}${tls}` +
      (evaluation === undefined ? '' : `, flagd.evaluation v1/v2 on :${evaluation}${tls}`) +
      (ofrep === undefined ? '' : `, OFREP on http://localhost:${ofrep}/ofrep/v1`) +
      `, management on http://localhost:${management} (/healthz /readyz /metrics /audit /flags), console on http://localhost:${management}/ui/`,
  );
}

/** How to connect a provider to what just started (console format only). */
function connectHints(daemon: Daemon, resolved: ResolvedStart): string {
  const { evaluation, ofrep } = daemon.ports;
  const sync =
    daemon.ports.sync === undefined ? daemon.syncAddress : `localhost:${daemon.ports.sync}`;
  const target =
    daemon.ports.sync === undefined
      ? `socketPath: '${resolved.options.syncSocketPath}'`
      : `host: 'localhost', port: ${daemon.ports.sync}`;
  const tls = resolved.options.serverCertPath ? ', tls: true' : '';
  return [
    '',
    `Connect an OpenFeature provider to ${sync} (in-process evaluation, flags streamed over flagd.sync.v1):`,
    `  new SwitchyardProvider({ ${target}${tls} })   // @switchyard/openfeature-provider`,
    `  new FlagdProvider({ resolverType: 'in-process', ${target}${tls} })   // @openfeature/flagd-provider`,
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
  ].join('\n');
}
