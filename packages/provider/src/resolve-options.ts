// Options → resolved configuration: explicit option > environment variable > default (flagd's
// precedence, open-feature/flagd-testbed:gherkin/config.feature). Unlike the official provider,
// environment values are validated (0 is a value, NaN and negatives are errors) and FLAGD_SYNC_PORT
// only applies to in-process resolvers, as the flagd provider specification says.
import { ProviderOptionError } from './errors/provider-option-error.js';
import {
  type CacheType,
  type ContextEnricher,
  DEFAULTS,
  ENV,
  type ResolvedProviderOptions,
  type ResolverType,
  type SwitchyardProviderOptions,
} from './options.js';

export type Environment = Readonly<Record<string, string | undefined>>;

const RESOLVERS: readonly ResolverType[] = ['rpc', 'in-process', 'file', 'inline'];

const identityEnricher: ContextEnricher = (syncContext) => syncContext ?? {};

/** A value given either as an option or from the environment, with the name to blame. */
interface Given {
  readonly value: unknown;
  readonly name: string;
}

function pick<K extends keyof SwitchyardProviderOptions & keyof typeof ENV>(
  options: SwitchyardProviderOptions,
  env: Environment,
  key: K,
): Given | undefined {
  const option = options[key];
  if (option !== undefined && option !== null) return { value: option, name: key };
  const raw = env[ENV[key]];
  if (raw !== undefined && raw.trim() !== '') return { value: raw.trim(), name: ENV[key] };
  return undefined;
}

function toNumber(given: Given | undefined, fallback: number): number {
  if (given === undefined) return fallback;
  const { value, name } = given;
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim())
        ? Number(value)
        : Number.NaN;
  if (!Number.isFinite(n) || n < 0) {
    throw new ProviderOptionError(name, `expected a number ≥ 0, got ${JSON.stringify(value)}`);
  }
  return n;
}

function toPort(given: Given | undefined, fallback: number): number {
  const port = toNumber(given, fallback);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ProviderOptionError(given?.name ?? 'port', `expected a TCP port, got ${port}`);
  }
  return port;
}

function toByteCount(given: Given | undefined, fallback: number): number {
  const n = toNumber(given, fallback);
  if (!Number.isInteger(n) || n < 1) {
    throw new ProviderOptionError(
      given?.name ?? 'maxMsgSize',
      `expected a number of bytes ≥ 1, got ${n}`,
    );
  }
  return n;
}

function toBoolean(given: Given | undefined, fallback: boolean): boolean {
  if (given === undefined) return fallback;
  if (typeof given.value === 'boolean') return given.value;
  if (typeof given.value === 'string') {
    const lower = given.value.trim().toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
  }
  throw new ProviderOptionError(
    given.name,
    `expected true or false, got ${JSON.stringify(given.value)}`,
  );
}

function toText(given: Given | undefined): string | undefined {
  if (given === undefined) return undefined;
  if (typeof given.value !== 'string') {
    throw new ProviderOptionError(given.name, `expected a string, got ${typeof given.value}`);
  }
  return given.value === '' ? undefined : given.value;
}

function toStringList(given: Given | undefined): string[] {
  if (given === undefined) return [];
  const { value, name } = given;
  const items =
    typeof value === 'string'
      ? value.split(',')
      : Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number')
        ? value.map(String)
        : undefined;
  if (items === undefined) {
    throw new ProviderOptionError(name, 'expected a list of gRPC status names');
  }
  return items.map((s) => s.trim()).filter((s) => s !== '');
}

function toCache(given: Given | undefined): CacheType {
  if (given === undefined) return DEFAULTS.cache;
  const value = typeof given.value === 'string' ? given.value.trim().toLowerCase() : given.value;
  if (value !== 'lru' && value !== 'disabled') {
    throw new ProviderOptionError(
      given.name,
      `expected lru or disabled, got ${JSON.stringify(given.value)}`,
    );
  }
  return value;
}

function toResolver(given: Given | undefined): ResolverType {
  if (given === undefined) return 'rpc';
  const value = typeof given.value === 'string' ? given.value.trim().toLowerCase() : given.value;
  if (!RESOLVERS.includes(value as ResolverType)) {
    throw new ProviderOptionError(
      given.name,
      `expected one of ${RESOLVERS.join(', ')}, got ${JSON.stringify(given.value)}`,
    );
  }
  return value as ResolverType;
}

function resolveResolver(
  options: SwitchyardProviderOptions,
  env: Environment,
  path: string | undefined,
): ResolverType {
  const explicit = options.resolverType ?? options.resolver;
  if (options.flagConfiguration !== undefined) {
    const kind = typeof options.flagConfiguration;
    if (options.flagConfiguration === null || (kind !== 'string' && kind !== 'object')) {
      throw new ProviderOptionError('flagConfiguration', 'expected a JSON/YAML string or object');
    }
    if (
      explicit !== undefined &&
      toResolver({ value: explicit, name: 'resolverType' }) !== 'inline'
    ) {
      throw new ProviderOptionError(
        'resolverType',
        `flagConfiguration is given, so the resolver is 'inline', not ${JSON.stringify(explicit)}`,
      );
    }
    return 'inline';
  }
  const resolver = toResolver(
    explicit !== undefined
      ? { value: explicit, name: 'resolverType' }
      : pick(options, env, 'resolverType'),
  );
  // flagd provider spec: in-process with an offline path is the file resolver; rpc stays rpc.
  if (resolver === 'in-process' && path !== undefined) return 'file';
  if (resolver === 'file' && path === undefined) {
    throw new ProviderOptionError(
      'offlineFlagSourcePath',
      `the file resolver needs offlineFlagSourcePath (or ${ENV.offlineFlagSourcePath})`,
    );
  }
  if (resolver === 'inline') {
    throw new ProviderOptionError(
      'flagConfiguration',
      'the inline resolver needs flagConfiguration',
    );
  }
  return resolver;
}

function resolvePort(
  options: SwitchyardProviderOptions,
  env: Environment,
  resolver: ResolverType,
): number {
  if (resolver === 'rpc') return toPort(pick(options, env, 'port'), DEFAULTS.rpcPort);
  if (options.port !== undefined) return toPort({ value: options.port, name: 'port' }, 0);
  const sync = env[ENV.syncPort]?.trim();
  if (sync) return toPort({ value: sync, name: ENV.syncPort }, 0);
  return toPort(pick(options, env, 'port'), DEFAULTS.inProcessPort);
}

/**
 * Resolves options against the environment. Throws {@link ProviderOptionError} naming the
 * option or variable at fault.
 */
export function resolveOptions(
  options: SwitchyardProviderOptions = {},
  env: Environment = process.env,
): ResolvedProviderOptions {
  const offlineFlagSourcePath = toText(pick(options, env, 'offlineFlagSourcePath'));
  const resolverType = resolveResolver(options, env, offlineFlagSourcePath);
  const enricher = options.contextEnricher;
  if (enricher !== undefined && typeof enricher !== 'function') {
    throw new ProviderOptionError('contextEnricher', 'expected a function');
  }
  return Object.freeze({
    resolverType,
    host: toText(pick(options, env, 'host')) ?? DEFAULTS.host,
    port: resolvePort(options, env, resolverType),
    targetUri: toText(pick(options, env, 'targetUri')),
    tls: toBoolean(pick(options, env, 'tls'), DEFAULTS.tls),
    socketPath: toText(pick(options, env, 'socketPath')),
    certPath: toText(pick(options, env, 'certPath')),
    deadlineMs: toNumber(pick(options, env, 'deadlineMs'), DEFAULTS.deadlineMs),
    streamDeadlineMs: toNumber(pick(options, env, 'streamDeadlineMs'), DEFAULTS.streamDeadlineMs),
    retryBackoffMs: toNumber(pick(options, env, 'retryBackoffMs'), DEFAULTS.retryBackoffMs),
    retryBackoffMaxMs: toNumber(
      pick(options, env, 'retryBackoffMaxMs'),
      DEFAULTS.retryBackoffMaxMs,
    ),
    retryGracePeriod: toNumber(pick(options, env, 'retryGracePeriod'), DEFAULTS.retryGracePeriod),
    keepAliveTime: toNumber(pick(options, env, 'keepAliveTime'), DEFAULTS.keepAliveTime),
    maxMsgSize: toByteCount(pick(options, env, 'maxMsgSize'), DEFAULTS.maxMsgSize),
    selector: toText(pick(options, env, 'selector')),
    providerId: toText(pick(options, env, 'providerId')),
    offlineFlagSourcePath,
    offlinePollIntervalMs: toNumber(
      pick(options, env, 'offlinePollIntervalMs'),
      DEFAULTS.offlinePollIntervalMs,
    ),
    fatalStatusCodes: Object.freeze(toStringList(pick(options, env, 'fatalStatusCodes'))),
    cache: toCache(pick(options, env, 'cache')),
    maxCacheSize: toNumber(pick(options, env, 'maxCacheSize'), DEFAULTS.maxCacheSize),
    contextEnricher: enricher ?? identityEnricher,
    cacheDir: toText(pick(options, env, 'cacheDir')),
    defaultAuthority: toText(pick(options, env, 'defaultAuthority')),
    flagConfiguration: options.flagConfiguration,
    ...usageOptions(options, env, resolverType),
    evaluationMetrics: toBoolean(
      pick(options, env, 'evaluationMetrics'),
      DEFAULTS.evaluationMetrics,
    ),
  });
}

/** Usage reporting needs a daemon to report to: the in-process resolver's. */
function usageOptions(
  options: SwitchyardProviderOptions,
  env: Environment,
  resolver: ResolverType,
) {
  const given = pick(options, env, 'reportUsage');
  const reportUsage = toBoolean(given, DEFAULTS.reportUsage);
  if (reportUsage && resolver !== 'in-process') {
    throw new ProviderOptionError(
      given?.name ?? 'reportUsage',
      `usage is reported to the daemon a provider syncs from: it needs the in-process resolver, not '${resolver}'`,
    );
  }
  const interval = toNumber(
    pick(options, env, 'usageReportIntervalMs'),
    DEFAULTS.usageReportIntervalMs,
  );
  if (interval < 100) {
    throw new ProviderOptionError(
      'usageReportIntervalMs',
      `expected at least 100 ms, got ${interval}`,
    );
  }
  return { reportUsage, usageReportIntervalMs: interval };
}
