// Layers defaults < --config file < FLAGD_* environment < command line (viper's precedence in
// flagd) into DaemonOptions. Relative source paths resolve against the process cwd, like flagd.
import { readFileSync } from 'node:fs';
import { UsageError } from '../engine.js';
import { type ParsedArgs, parseBool, parseDuration } from '@switchyard/gitops';
import { parse as parseYaml } from 'yaml';
import type { DaemonOptions } from '../daemon.js';
import { MAX_CONTEXT_DEPTH } from '../remote/context-limits.js';
import type { TelemetryOptions } from '../telemetry/telemetry.js';
import type { LogFormat } from '../logger.js';
import type { SourceConfig } from '@switchyard/sources';
import { BY_NAME, envName } from './spec.js';

export interface ResolvedStart {
  readonly options: DaemonOptions;
  /** Remote-evaluation ports (also in `options`). */
  readonly evaluationPort: number;
  readonly ofrepPort: number;
  /** flagd options given that have no effect here yet. */
  readonly ignored: readonly string[];
}

type Layer = Map<string, unknown>;

function configLayer(path: string): Layer {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`--config: cannot read ${path}: ${(error as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = /\.json$/i.test(path) ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new UsageError(
      `--config: ${path} is not valid JSON or YAML: ${(error as Error).message}`,
    );
  }
  if (doc === null || doc === undefined) return new Map();
  if (typeof doc !== 'object' || Array.isArray(doc))
    throw new UsageError(`--config: ${path} must hold an object`);
  const layer: Layer = new Map();
  for (const [key, value] of Object.entries(doc)) {
    const spec = BY_NAME.get(key);
    if (spec === undefined || spec.commandLineOnly) {
      throw new UsageError(
        `--config: unknown key "${key}" in ${path} (keys are the long option names)`,
      );
    }
    layer.set(key, value);
  }
  return layer;
}

function envLayer(env: NodeJS.ProcessEnv): Layer {
  const layer: Layer = new Map();
  for (const spec of BY_NAME.values()) {
    if (spec.commandLineOnly) continue;
    const value = env[envName(spec.name)];
    if (value !== undefined && value !== '') layer.set(spec.name, value);
  }
  return layer;
}

function argsLayer(args: ParsedArgs): Layer {
  const layer: Layer = new Map();
  for (const [name, values] of args.values) {
    const spec = BY_NAME.get(name)!;
    // Repeats accumulate for lists and maps (pflag), the last one wins otherwise.
    layer.set(
      name,
      spec.type === 'list' || spec.type === 'map' ? values.join(',') : values[values.length - 1],
    );
  }
  return layer;
}

const csv = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

function asList(name: string, value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === 'string') return csv(value);
  throw new UsageError(`${name} must be a list or a comma-separated string`);
}

function asMap(name: string, value: unknown): Record<string, string> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
  }
  const out: Record<string, string> = {};
  for (const pair of asList(name, value)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--${name}: "${pair}" is not KEY=VALUE`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

function asInt(name: string, value: unknown): number {
  const n = typeof value === 'number' ? value : Number(String(value).trim());
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new UsageError(`--${name}: "${String(value)}" is not a port number`);
  return n;
}

function asBytes(name: string, value: unknown): number {
  const n = typeof value === 'number' ? value : Number(String(value).trim());
  if (!Number.isInteger(n) || n <= 0)
    throw new UsageError(`--${name}: "${String(value)}" is not a positive number of bytes`);
  return n;
}

/** A positive integer up to `max` (a bound on work, checked so that a typo cannot remove it). */
const asCount =
  (max: number) =>
  (name: string, value: unknown): number => {
    const n = typeof value === 'number' ? value : Number(String(value).trim());
    if (!Number.isInteger(n) || n < 1 || n > max)
      throw new UsageError(
        `--${name}: "${String(value)}" is not a whole number from 1 to ${max.toLocaleString('en-US')}`,
      );
    return n;
  };

function asBool(name: string, value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  const parsed = parseBool(String(value));
  if (parsed === undefined)
    throw new UsageError(`--${name}: "${String(value)}" is not true or false`);
  return parsed;
}

/** `--metrics-exporter` and the `--otel-*` options (flagd: core/pkg/telemetry/builder.go). */
function telemetryOf(get: (name: string) => unknown): TelemetryOptions {
  const exporter = String(get('metrics-exporter') ?? 'prometheus').toLowerCase();
  if (exporter !== 'prometheus' && exporter !== 'otel') {
    throw new UsageError(`--metrics-exporter must be prometheus or otel, not "${exporter}"`);
  }
  const text = (name: string) => {
    const value = get(name);
    return value === undefined || value === '' ? undefined : String(value);
  };
  const uri = text('otel-collector-uri');
  if (uri !== undefined && !/^([a-z][a-z0-9+.-]*:\/\/)?[^\s/:]+(:\d{1,5})?(\/\S*)?$/i.test(uri)) {
    throw new UsageError(`--otel-collector-uri: "${uri}" is not host:port or a URL`);
  }
  const reload = get('otel-reload-interval');
  return {
    metricsExporter: exporter,
    ...withDefined('otelCollectorUri', uri),
    ...withDefined('otelCertPath', text('otel-cert-path')),
    ...withDefined('otelKeyPath', text('otel-key-path')),
    ...withDefined('otelCaPath', text('otel-ca-path')),
    ...withDefined(
      'otelReloadIntervalMs',
      reload === undefined ? undefined : durationMs(reload, 'otel-reload-interval'),
    ),
  };
}

/** A Go duration string (`10m`), or a bare number of nanoseconds (Go's time.Duration), in ms. */
function durationMs(value: unknown, name: string): number {
  return typeof value === 'number' ? value / 1e6 : parseDuration(String(value), name);
}

function asSources(value: unknown): SourceConfig[] {
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch (error) {
      throw new UsageError(`--sources is not valid JSON: ${(error as Error).message}`);
    }
  }
  if (!Array.isArray(parsed))
    throw new UsageError('--sources must be a JSON array of {"uri","provider"} objects');
  return parsed as SourceConfig[];
}

export function resolveStartOptions(
  args: ParsedArgs,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedStart {
  if (args.positionals.length > 0) {
    throw new UsageError(
      `unexpected argument "${args.positionals[0]}"; sources are given with --uri/-f`,
    );
  }
  const cli = argsLayer(args);
  const configPath = cli.get('config');
  const layers = [
    typeof configPath === 'string' ? configLayer(configPath) : new Map(),
    envLayer(env),
    cli,
  ];
  const get = (name: string): unknown => {
    let value: unknown;
    for (const layer of layers) if (layer.has(name)) value = layer.get(name);
    return value;
  };
  const has = (name: string) => get(name) !== undefined;
  const ignored = [...BY_NAME.values()]
    .filter((s) => s.effective === false && has(s.name))
    .map((s) => `--${s.name}`);
  for (const s of BY_NAME.values()) {
    const v = get(s.name);
    if (v === undefined) continue;
    if (s.type === 'duration' && typeof v === 'string') parseDuration(v, s.name);
  }
  const sources: (string | SourceConfig)[] = [
    ...(has('uri') ? asList('--uri', get('uri')) : []),
    ...(has('sources') ? asSources(get('sources')) : []),
  ];
  if (sources.length === 0) {
    throw new UsageError(
      'no flag source; give one with --uri file:path/to/flags.json, http(s)://... or grpc(s)://host:port (or --sources, --config)',
    );
  }
  const logFormat = has('log-format') ? String(get('log-format')) : 'console';
  if (logFormat !== 'console' && logFormat !== 'json') {
    throw new UsageError(`--log-format must be console or json, not "${logFormat}"`);
  }
  const optional = <T>(name: string, convert: (n: string, v: unknown) => T): T | undefined =>
    has(name) ? convert(name, get(name)) : undefined;
  const str = (_n: string, v: unknown) => String(v);
  const options: DaemonOptions = {
    sources,
    syncPort: optional('sync-port', asInt) ?? 8015,
    managementPort: optional('management-port', asInt) ?? 8014,
    contextValues: optional('context-value', asMap) ?? {},
    streamDeadlineMs: has('stream-deadline')
      ? durationMs(get('stream-deadline'), 'stream-deadline')
      : 0,
    disableSyncMetadata: optional('disable-sync-metadata', asBool) ?? false,
    logFormat: logFormat as LogFormat,
    debug: optional('debug', asBool) ?? false,
    ...withDefined('serverCertPath', optional('server-cert-path', str)),
    ...withDefined('serverKeyPath', optional('server-key-path', str)),
    ...withDefined('syncSocketPath', optional('sync-socket-path', str)),
    evaluationPort: optional('port', asInt) ?? 8013,
    ofrepPort: optional('ofrep-port', asInt) ?? 8016,
    contextFromHeaders: optional('context-from-header', asMap) ?? {},
    corsOrigins: optional('cors-origin', asList) ?? [],
    ...withDefined('socketPath', optional('socket-path', str)),
    ...withDefined('maxRequestBody', optional('max-request-body', asBytes)),
    ...withDefined('maxRequestHeader', optional('max-request-header', asBytes)),
    ...withDefined('maxMsgSize', optional('max-msg-size', asBytes)),
    ...withDefined('maxContextDepth', optional('max-context-depth', asCount(MAX_CONTEXT_DEPTH))),
    ...withDefined('maxContextKeys', optional('max-context-keys', asCount(1_000_000))),
    ...withDefined('auditLog', optional('audit-log', str)),
    ...withDefined('usageFile', optional('usage-file', str)),
    telemetry: telemetryOf(get),
  };
  return {
    options,
    evaluationPort: optional('port', asInt) ?? 8013,
    ofrepPort: optional('ofrep-port', asInt) ?? 8016,
    ignored,
  };
}

function withDefined<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
