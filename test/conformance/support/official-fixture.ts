// SuiteFixture for the official @openfeature/flagd-provider (0.16.1, resolverType 'in-process')
// against our daemon: proof of the daemon side independent of our provider.
import { FlagdProvider } from '@openfeature/flagd-provider';
import { OpenFeature } from '@openfeature/server-sdk';
import { openFeatureClient } from '../../gherkin/adapters/openfeature-client.js';
import type { ProviderKind, SuiteFixture, World } from '../../gherkin/world.js';
import type { Launchpad } from '../../launchpad/launchpad.js';
import { inProcessPlan, preparePlan, TEST_DEFAULTS } from './provider-plan.js';

/** The package's options type (not exported by name from its index). */
type FlagdProviderOptions = NonNullable<ConstructorParameters<typeof FlagdProvider>[0]>;

/**
 * How long creating a provider waits for READY. The official provider retries a failed first
 * connect forever without rejecting initialize (open-feature/js-sdk-contrib:
 * libs/providers/flagd/src/lib/service/in-process/grpc/grpc-fetch.ts), so a scenario it cannot
 * serve (an ignored targetUri) would otherwise wait for the jest timeout.
 */
const READY_TIMEOUT_MS = 10_000;

/** Scenario options by testbed names → FlagdProviderOptions (`resolver` → `resolverType`). */
export function officialOptions(options: Readonly<Record<string, unknown>>): FlagdProviderOptions {
  const { resolver, ...rest } = options;
  return {
    ...(rest as FlagdProviderOptions),
    ...(resolver !== undefined
      ? { resolverType: resolver as NonNullable<FlagdProviderOptions['resolverType']> }
      : {}),
  };
}

/**
 * The official provider's resolved configuration, by testbed names. The package does not export
 * `getConfig`; its in-process service keeps the resolved config (`_service.config`), so the
 * options are resolved with resolverType 'in-process' and the two values that depend on the
 * resolver are recovered as getConfig does (index.cjs.js `getConfig`: defaults chosen by
 * `options.resolverType == 'in-process' || env resolver == 'in-process'`, then env, then the
 * options spread over them): the resolver itself and the default port (8015 vs 8013).
 */
export function officialConfig(
  options: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const mapped = officialOptions(options);
  const probe = new FlagdProvider({ ...mapped, resolverType: 'in-process' });
  const service = (probe as unknown as { _service: { config?: Record<string, unknown> } })._service;
  const config = service.config;
  void probe.onClose();
  if (!config) throw new Error('official provider: no resolved configuration to read');
  const envRaw = process.env.FLAGD_RESOLVER?.toLowerCase();
  const envResolver = envRaw === 'rpc' || envRaw === 'in-process' ? envRaw : undefined;
  const resolver = mapped.resolverType ?? envResolver ?? 'rpc';
  const inProcessDefaults = mapped.resolverType === 'in-process' || envResolver === 'in-process';
  const portGiven =
    mapped.port !== undefined ||
    Boolean(Number(process.env.FLAGD_PORT)) ||
    Boolean(Number(process.env.FLAGD_SYNC_PORT));
  const port = portGiven ? config.port : inProcessDefaults ? 8015 : 8013;
  const { resolverType: _ignored, contextEnricher: _enricher, ...rest } = config;
  return { ...rest, resolver, port };
}

let domains = 0;

/**
 * Closes the provider for good. 0.16.1's disconnect() neither cancels its reconnect timer nor
 * sets a closed flag (grpc-fetch.ts): the cancelled stream's error schedules `listen()`
 * on the closed client, which fails and schedules again — a zero-delay loop that burns CPU
 * and keeps the test process alive forever. The loop is cut by replacing `reconnect` on the
 * provider's sync fetcher before the provider is closed.
 */
async function closeOfficial(provider: FlagdProvider): Promise<void> {
  const service = (provider as unknown as { _service?: { _dataFetcher?: object } })._service;
  const fetcher = service?._dataFetcher as { reconnect?: unknown } | undefined;
  if (fetcher && typeof fetcher.reconnect === 'function') fetcher.reconnect = () => {};
  await OpenFeature.clearProviders();
}

/** `promise`, or a rejection naming `what` after `ms` (the official provider can hang forever). */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} not within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function officialFixture(
  launchpad: () => Launchpad,
  hooks: { beforeScenario?: (world: World) => void } = {},
): SuiteFixture {
  return {
    ...(hooks.beforeScenario ? { beforeScenario: hooks.beforeScenario } : {}),
    async createProvider(kind: ProviderKind, world: World) {
      const lp = launchpad();
      const plan = inProcessPlan(kind, lp, world.options);
      await preparePlan(plan, lp);
      const seenBefore = lp.proxy.seen.length;
      // targetUri is passed through as the scenario sets it; 0.16.1 has no such option
      // (configuration.ts) and connects to its default host and port instead.
      const provider = new FlagdProvider({
        ...(TEST_DEFAULTS as FlagdProviderOptions),
        ...(plan.connection as FlagdProviderOptions),
        ...officialOptions(world.options),
        ...(plan.targetUri !== undefined ? ({ targetUri: plan.targetUri } as object) : {}),
        resolverType: 'in-process',
      });
      const domain = `official-conformance-${++domains}`;
      const client = openFeatureClient(OpenFeature.getClient(domain), {
        close: () => closeOfficial(provider),
      });
      if (plan.waitForReady) {
        try {
          await withTimeout(
            OpenFeature.setProviderAndWait(domain, provider),
            READY_TIMEOUT_MS,
            'official provider READY',
          );
        } catch (error) {
          await closeOfficial(provider);
          throw error;
        }
      } else {
        OpenFeature.setProvider(domain, provider);
      }
      if (plan.targetUri !== undefined) {
        const authority = plan.targetUri.replace(/^envoy:\/\/[^/]+\//, '');
        const seen = lp.proxy.seen.slice(seenBefore);
        if (!seen.includes(authority)) {
          await closeOfficial(provider);
          throw new Error(
            `targetUri ${plan.targetUri}: the proxy saw no request for :authority ${authority} (saw ${JSON.stringify(seen)})`,
          );
        }
      }
      return client;
    },
    restart: (seconds: number) => launchpad().restart(seconds),
    change: async () => {
      await launchpad().change();
    },
    initializeConfig: (options) => officialConfig(options),
  };
}
