// The options of `switchyard start`: flagd's names, short forms, FLAGD_* environment variables
// and --config keys (open-feature/flagd:flagd/cmd/start.go, https://flagd.dev/reference/flagd-cli/flagd_start/).
// flagd options that have no effect here yet are accepted, so flagd command lines and configs
// keep working, and reported as ignored.
import type { CommandSpec, OptionSpec } from '@switchyard/gitops';

export interface StartOption extends OptionSpec {
  readonly description: string;
  readonly defaultText?: string;
  /** false: accepted for flagd compatibility, no effect yet. */
  readonly effective?: boolean;
  /** Read from the command line only: no FLAGD_* variable, no --config key. */
  readonly commandLineOnly?: boolean;
}

export const START_OPTIONS: readonly StartOption[] = [
  {
    name: 'uri',
    short: 'f',
    type: 'list',
    arg: 'URI',
    description:
      "flag source: file:path (a .json/.yaml/.yml file or a directory of them), http(s)://host/path (polled) or grpc(s)://host:port (another daemon's sync stream); repeatable or comma-separated; later sources win",
  },
  {
    name: 'sources',
    short: 's',
    type: 'string',
    arg: 'JSON',
    description:
      "JSON array of source configs with flagd's fields (uri, provider file|http|grpc, selector, providerID, certPath, tls, authHeader, headers, interval, maxMsgSize), applied after --uri",
  },
  {
    name: 'sync-port',
    short: 'g',
    type: 'int',
    arg: 'PORT',
    defaultText: '8015',
    description: 'flagd.sync.v1 gRPC port (in-process providers connect here)',
  },
  {
    name: 'management-port',
    short: 'm',
    type: 'int',
    arg: 'PORT',
    defaultText: '8014',
    description: 'HTTP port of /healthz, /readyz, /metrics, /audit and /flags',
  },
  {
    name: 'port',
    short: 'p',
    type: 'int',
    arg: 'PORT',
    defaultText: '8013',
    description: 'remote evaluation gRPC port (flagd.evaluation.v1 and v2)',
  },
  {
    name: 'ofrep-port',
    short: 'r',
    type: 'int',
    arg: 'PORT',
    defaultText: '8016',
    description: 'OFREP (OpenFeature Remote Evaluation Protocol) HTTP port',
  },
  {
    name: 'context-value',
    short: 'X',
    type: 'map',
    arg: 'KEY=VALUE',
    description:
      'static context sent as sync_context (and by GetMetadata); repeatable or comma-separated',
  },
  {
    name: 'server-cert-path',
    short: 'c',
    type: 'string',
    arg: 'FILE',
    description:
      'TLS certificate (PEM) of the ports --tls-ports names (default the evaluation and sync ports, as flagd); reloaded when it changes',
  },
  {
    name: 'server-key-path',
    short: 'k',
    type: 'string',
    arg: 'FILE',
    description: 'TLS private key (PEM) matching --server-cert-path; reloaded when it changes',
  },
  {
    name: 'tls-ports',
    type: 'list',
    arg: 'PORTS',
    defaultText: 'evaluation,sync',
    description:
      'the ports -c/-k secure: any of evaluation, sync, ofrep, management, or all (flagd: evaluation and sync); Switchyard extension',
  },
  {
    name: 'client-ca-path',
    type: 'string',
    arg: 'FILE',
    description:
      'verify client certificates against this CA (PEM) on every TLS port (mTLS; the management port still serves its probes without one); needs -c/-k; Switchyard extension',
  },
  {
    name: 'auth-config',
    type: 'string',
    arg: 'FILE',
    description:
      'JSON or YAML file of clients (token or certificate subject) and the flag selectors each may read, enforced on every port but the probes; reloaded when it changes; Switchyard extension',
  },
  {
    name: 'address',
    type: 'string',
    arg: 'ADDRESS',
    defaultText: '0.0.0.0',
    description:
      'interface every TCP port binds, e.g. 127.0.0.1 or ::1 (flagd has no such option and binds all interfaces); Switchyard extension',
  },
  {
    name: 'sync-socket-path',
    short: 'e',
    type: 'string',
    arg: 'PATH',
    description: 'serve flagd.sync.v1 on this unix socket instead of --sync-port',
  },
  {
    name: 'stream-deadline',
    type: 'duration',
    arg: 'DURATION',
    defaultText: '0 (none)',
    description: 'server-side deadline of SyncFlags streams, e.g. 10m (Go duration syntax)',
  },
  { name: 'disable-sync-metadata', type: 'bool', description: 'GetMetadata answers UNIMPLEMENTED' },
  {
    name: 'log-format',
    short: 'z',
    type: 'string',
    arg: 'console|json',
    defaultText: 'console',
    description: 'log line format',
  },
  { name: 'debug', short: 'x', type: 'bool', description: 'debug logging' },
  {
    name: 'audit-log',
    type: 'string',
    arg: 'FILE',
    description:
      'append one JSON line per published generation (source, content hash, flag changes, git commit and author); Switchyard extension, not in flagd',
  },
  {
    name: 'usage-file',
    type: 'string',
    arg: 'FILE',
    description:
      'keep the flag usage providers report (evaluations by variant and reason, first and last seen) in FILE across restarts; Switchyard extension, not in flagd',
  },
  {
    name: 'config',
    type: 'string',
    arg: 'FILE',
    description:
      'JSON or YAML file whose keys are these long option names (e.g. the flagd testbed launchpad configs)',
    commandLineOnly: true,
  },
  { name: 'help', short: 'h', type: 'bool', description: 'show this help', commandLineOnly: true },
  {
    name: 'version',
    type: 'bool',
    description: 'print the version and exit',
    commandLineOnly: true,
  },
  // Remote evaluation (flagd.evaluation on --port, OFREP on --ofrep-port).
  {
    name: 'cors-origin',
    short: 'C',
    type: 'list',
    arg: 'ORIGIN',
    description: 'CORS origins allowed on the OFREP port (* = any); repeatable or comma-separated',
  },
  {
    name: 'socket-path',
    short: 'd',
    type: 'string',
    arg: 'PATH',
    description: 'serve flagd.evaluation on this unix socket instead of --port',
  },
  {
    name: 'context-from-header',
    short: 'H',
    type: 'map',
    arg: 'HEADER=KEY',
    description:
      'evaluation context from request headers (the header wins over -X and the request); repeatable',
  },
  {
    name: 'max-request-body',
    short: 'B',
    type: 'int',
    arg: 'BYTES',
    defaultText: '1000000',
    description: 'request body limit of the evaluation services (OFREP answers 413 above it)',
  },
  {
    name: 'max-request-header',
    short: 'R',
    type: 'int',
    arg: 'BYTES',
    defaultText: '1000000',
    description: 'request header limit of the evaluation services (OFREP answers 431 above it)',
  },
  {
    name: 'max-context-depth',
    type: 'int',
    arg: 'LEVELS',
    defaultText: '32',
    description:
      "deepest nesting of objects and arrays in an evaluation request's context, on every protocol (deeper: INVALID_ARGUMENT, OFREP 400)",
  },
  {
    name: 'max-context-keys',
    type: 'int',
    arg: 'COUNT',
    defaultText: '10000',
    description:
      "most keys and array elements in an evaluation request's context, on every protocol (more: INVALID_ARGUMENT, OFREP 413)",
  },
  {
    name: 'max-msg-size',
    type: 'int',
    arg: 'BYTES',
    defaultText: '4194304',
    description:
      "largest SyncFlags message the clients accept (flagd's maxMsgSize; gRPC clients' default 4 MiB): a generation over it is not published, the last good flags stay served and /readyz says why",
  },
  // Accepted for flagd compatibility, without effect.
  {
    name: 'keep-alive-min-time',
    type: 'duration',
    arg: 'DURATION',
    defaultText: '30s',
    description: 'flagd keepalive enforcement (grpc-js never rejects client pings)',
    effective: false,
  },
  {
    name: 'keep-alive-permit-without-stream',
    type: 'bool',
    defaultText: 'true',
    description: 'flagd keepalive enforcement (always permitted here)',
    effective: false,
  },
  {
    name: 'sync-provider-args',
    short: 'a',
    type: 'list',
    arg: 'KEY=VALUE',
    description:
      'sync provider arguments, passed by the OpenFeature operator (deprecated and removed in flagd, without effect there too)',
    effective: false,
  },
  // Telemetry (telemetry/telemetry.ts): OTLP/gRPC export of metrics and traces.
  {
    name: 'metrics-exporter',
    short: 't',
    type: 'string',
    arg: 'prometheus|otel',
    defaultText: 'prometheus',
    description:
      'prometheus: /metrics on the management port (always served); otel: metrics also over OTLP/gRPC to --otel-collector-uri (or OTEL_EXPORTER_OTLP_ENDPOINT)',
  },
  {
    name: 'otel-collector-uri',
    short: 'o',
    type: 'string',
    arg: 'HOST:PORT',
    description:
      'OpenTelemetry collector (OTLP/gRPC): metrics with --metrics-exporter otel, traces whenever set',
  },
  {
    name: 'otel-cert-path',
    short: 'D',
    type: 'string',
    arg: 'FILE',
    description: 'client certificate (PEM) for the collector',
  },
  {
    name: 'otel-key-path',
    short: 'K',
    type: 'string',
    arg: 'FILE',
    description: 'client key (PEM) for the collector',
  },
  {
    name: 'otel-ca-path',
    short: 'A',
    type: 'string',
    arg: 'FILE',
    description: 'CA certificate (PEM) of the collector',
  },
  {
    name: 'otel-reload-interval',
    short: 'I',
    type: 'duration',
    arg: 'DURATION',
    defaultText: '1h',
    description: 'how often the collector TLS files are read again (0: only at start)',
  },
];

export const BY_NAME = new Map(START_OPTIONS.map((o) => [o.name, o]));

/** The command line of `switchyard [start]`: pflag semantics, the last of a repeated value wins. */
export const START_COMMAND: CommandSpec = {
  name: 'start',
  options: START_OPTIONS,
  repeated: 'last-wins',
};

/** FLAGD_SYNC_PORT for sync-port (viper: prefix FLAGD_, `-` → `_`). */
export const envName = (name: string) => `FLAGD_${name.toUpperCase().replaceAll('-', '_')}`;
