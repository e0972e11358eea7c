// `switchyard --help` and `switchyard start --help`, generated from the option table.
import { GITOPS_HELP } from '@switchyard/gitops';
import { VERSION } from '../version.js';
import { START_OPTIONS, type StartOption, envName } from './spec.js';

export function rootHelp(): string {
  return `switchyard ${VERSION}: a flagd-compatible feature-flag sync daemon

Usage:
  switchyard start [options]     watch flag files; serve them over flagd sync, evaluation and OFREP
${GITOPS_HELP}  switchyard --version           print the version (also: switchyard version)
  switchyard --help              this help; \`switchyard start --help\` lists every option

Example:
  switchyard start --uri file:flags            # a directory of .json/.yaml flag files
  switchyard start -f file:a.json -f file:b.yaml -X env=prod
  switchyard start --config launchpad/configs/default.json

Exit codes: 0 stopped cleanly (SIGTERM/SIGINT), 1 failed at run time, 2 bad usage.
`;
}

export function startHelp(): string {
  const rows = START_OPTIONS.filter((o) => o.effective !== false).map(row);
  const compat = START_OPTIONS.filter((o) => o.effective === false).map(row);
  return `Usage: switchyard start [options]

Watches the flag sources (files and directories, HTTP endpoints, other daemons' sync streams)
and serves them to flagd in-process providers over flagd.sync.v1 (SyncFlags, FetchAllFlags,
GetMetadata) and as plain HTTP (/flags on the management port). Sources are merged in order: --uri
entries first, then --sources; a later source wins for the same (flagSetId, flag key). Invalid or
half-written files, failed polls and lost upstreams never replace the last good flags. The same
flags are evaluated remotely: flagd.evaluation v1/v2 over gRPC on --port (RPC-mode providers) and
OFREP over HTTP on --ofrep-port.

Options (each also read from the FLAGD_* environment variable shown, and from --config):
${rows.join('\n')}

Accepted for flagd compatibility, without effect yet:
${compat.join('\n')}

Precedence: command line > environment > --config file > default.
Selectors (flagd-selector header or request field): flagSetId=<id>, flagSetId= (no set),
source=<source>, or a bare <source>. Source names are the URIs without "file:".
`;
}

function row(o: StartOption): string {
  const names = `${o.short ? `-${o.short}, ` : '    '}--${o.name}${o.arg ? ` ${o.arg}` : ''}`;
  const env = o.commandLineOnly ? '' : ` [${envName(o.name)}]`;
  const dflt = o.defaultText ? ` (default ${o.defaultText})` : '';
  return `  ${names.padEnd(36)} ${o.description}${dflt}${env}`;
}
