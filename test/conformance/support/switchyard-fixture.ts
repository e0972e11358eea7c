// SuiteFixture for our SwitchyardProvider: in-process (sync port) or RPC (evaluation port)
// against the daemon run by the emulated launchpad, or file mode over the launchpad's files.
import { OpenFeature } from '@openfeature/server-sdk';
import {
  type ResolvedProviderOptions,
  SwitchyardProvider,
  type SwitchyardProviderOptions,
} from '@switchyard/openfeature-provider';
import { openFeatureClient } from '../../gherkin/adapters/openfeature-client.js';
import type { FlagClient, ProviderKind, SuiteFixture, World } from '../../gherkin/world.js';
import type { Launchpad } from '../../launchpad/launchpad.js';
import {
  filePlan,
  inProcessPlan,
  type ProviderPlan,
  preparePlan,
  rpcPlan,
  TEST_DEFAULTS,
} from './provider-plan.js';

export type SwitchyardMode = 'in-process' | 'file' | 'rpc';

/** Scenario options use the testbed's names; ours are flagd's, plus `resolver` → resolverType. */
export function switchyardOptions(
  options: Readonly<Record<string, unknown>>,
): SwitchyardProviderOptions {
  const { resolver, ...rest } = options;
  return {
    ...(rest as SwitchyardProviderOptions),
    ...(resolver !== undefined
      ? { resolverType: resolver as NonNullable<SwitchyardProviderOptions['resolverType']> }
      : {}),
  };
}

/** The provider's resolved options by the testbed's names (`the option … should have …`). */
export function byTestbedNames(o: ResolvedProviderOptions): Record<string, unknown> {
  const { resolverType, contextEnricher: _enricher, ...rest } = o;
  return { ...rest, resolver: resolverType };
}

let domains = 0;

async function register(provider: SwitchyardProvider, waitForReady: boolean): Promise<FlagClient> {
  const domain = `switchyard-conformance-${++domains}`;
  if (waitForReady) await OpenFeature.setProviderAndWait(domain, provider);
  else OpenFeature.setProvider(domain, provider);
  return openFeatureClient(OpenFeature.getClient(domain), {
    close: () => OpenFeature.clearProviders(),
  });
}

export function switchyardFixture(
  mode: SwitchyardMode,
  launchpad: () => Launchpad,
  hooks: { beforeScenario?: (world: World) => void } = {},
): SuiteFixture {
  return {
    ...(hooks.beforeScenario ? { beforeScenario: hooks.beforeScenario } : {}),
    async createProvider(kind: ProviderKind, world: World) {
      const lp = launchpad();
      const scenario = switchyardOptions(world.options);
      const plan: ProviderPlan =
        mode === 'file'
          ? filePlan(kind, lp)
          : mode === 'rpc'
            ? await rpcPlan(kind, lp, world.options)
            : inProcessPlan(kind, lp, world.options);
      await preparePlan(plan, lp);
      const seenBefore = lp.proxy.seen.length;
      const provider = new SwitchyardProvider({
        ...TEST_DEFAULTS,
        ...plan.connection,
        ...scenario,
        ...(plan.targetUri !== undefined ? { targetUri: plan.targetUri } : {}),
        resolverType: mode,
      });
      const client = await register(provider, plan.waitForReady);
      if (plan.targetUri !== undefined) {
        // The stream must have gone through the proxy with the URI's authority.
        const authority = plan.targetUri.replace(/^envoy:\/\/[^/]+\//, '');
        const seen = lp.proxy.seen.slice(seenBefore);
        if (!seen.includes(authority)) {
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
    initializeConfig(options) {
      const provider = new SwitchyardProvider(switchyardOptions(options));
      const resolved = byTestbedNames(provider.options);
      void provider.onClose();
      return resolved;
    },
  };
}
