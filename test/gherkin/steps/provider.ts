// Steps that need a provider (and behind it a daemon): options and environment, config
// resolution, providers, launchpad actions and events. The suite-specific work
// is done by SuiteFixture hooks; everything that can be checked generically is checked here.
import assert from 'node:assert/strict';
import { asGherkinType, parseTyped } from '../cells.js';
import type { StepContext, StepRegistry } from '../registry.js';
import type { FlagClient, FlagEventKind, ProviderKind, SuiteFixture, World } from '../world.js';

/** How long `a <kind> event was fired` / `… should have been executed` wait (as the JS harness). */
export const DEFAULT_EVENT_TIMEOUT_MS = 10_000;

const PROVIDER_KINDS = '{stable|ssl|socket|unavailable|forbidden|metadata|syncpayload}';
const EVENT_KINDS = '{ready|error|stale|change}';

function hook<K extends keyof SuiteFixture>(
  fixture: SuiteFixture,
  name: K,
): NonNullable<SuiteFixture[K]> {
  const fn = fixture[name];
  if (!fn)
    throw new Error(
      `this suite has no "${String(name)}" fixture hook (see test/gherkin/README.md)`,
    );
  return fn as NonNullable<SuiteFixture[K]>;
}

function requireClient(world: World): FlagClient {
  if (!world.client) throw new Error('no provider: "a … flagd provider" must come first');
  return world.client;
}

function sameOption(actual: unknown, expected: unknown): boolean {
  // "null" (String/Object) means unset: accept undefined or null.
  if (expected === undefined) return actual === undefined || actual === null;
  if (typeof expected === 'string' && typeof actual === 'string') {
    return actual === expected;
  }
  try {
    assert.deepStrictEqual(actual, expected);
    return true;
  } catch {
    return false;
  }
}

export interface ProviderStepOptions {
  /** Overrides DEFAULT_EVENT_TIMEOUT_MS. */
  readonly eventTimeoutMs?: number;
}

export function registerProviderSteps(
  registry: StepRegistry,
  options: ProviderStepOptions = {},
): void {
  const eventTimeout = options.eventTimeoutMs ?? DEFAULT_EVENT_TIMEOUT_MS;

  // Options and environment ------------------------------------------------------------------
  registry.define(
    'an option {string} of type {string} with value {string}',
    ({ world }: StepContext, name, type, raw) => {
      // Options keep their testbed names (resolver, host, ...); mapping to a provider's own
      // option names (JS: resolver → resolverType) is the fixture's job.
      world.options[name!] = parseTyped(asGherkinType(type!), raw!);
    },
  );

  registry.define(
    'an environment variable {string} with value {string}',
    ({ world }: StepContext, name, value) => {
      world.setEnv(name!, value);
    },
  );

  registry.define('a config was initialized', async ({ world, fixture }: StepContext) => {
    const initialize = hook(fixture, 'initializeConfig');
    try {
      world.config = await initialize(world.options, world);
      world.configError = undefined;
    } catch (error) {
      world.config = undefined;
      world.configError = error ?? new Error('initializeConfig threw a nullish value');
    }
  });

  registry.define(
    'the option {string} of type {string} should have the value {string}',
    ({ world }: StepContext, name, type, raw) => {
      if (!world.config) {
        throw new Error(
          `no configuration (a config was initialized must come first${world.configError ? `; it failed: ${String(world.configError)}` : ''})`,
        );
      }
      const gherkinType = asGherkinType(type!);
      const expected = parseTyped(gherkinType, raw!);
      let actual = world.config[name!];
      if (
        (gherkinType === 'ResolverType' || gherkinType === 'CacheType') &&
        typeof actual === 'string'
      ) {
        actual = actual.toLowerCase();
      }
      assert.ok(
        sameOption(actual, expected),
        `option ${name}: expected ${JSON.stringify(expected) ?? 'unset'}, got ${JSON.stringify(actual) ?? 'undefined'}`,
      );
    },
  );

  registry.define('we should have an error', ({ world }: StepContext) => {
    assert.ok(
      world.configError !== undefined,
      `expected the configuration to be rejected, got ${JSON.stringify(world.config)}`,
    );
  });

  // Providers and the launchpad ------------------------------------------------------------
  registry.define(
    `a ${PROVIDER_KINDS} flagd provider`,
    async ({ world, fixture }: StepContext, kind) => {
      const create = hook(fixture, 'createProvider');
      const client = await create(kind as ProviderKind, world);
      if (client.close) world.defer(() => client.close!());
      world.client = client;
    },
  );

  registry.define(
    'the connection is lost for {int}s',
    async ({ world, fixture }: StepContext, seconds) => {
      await hook(fixture, 'restart')(Number(seconds), world);
    },
  );

  registry.define('the flag was modified', async ({ world, fixture }: StepContext) => {
    await hook(fixture, 'change')(world);
  });

  // Events -----------------------------------------------------------------------------------
  registry.define(`a ${EVENT_KINDS} event handler`, ({ world }: StepContext, kind) => {
    const client = requireClient(world);
    if (!client.onEvent) throw new Error('this client has no events (FlagClient.onEvent)');
    const off = client.onEvent(kind as FlagEventKind, (event) => world.recordEvent(event));
    world.defer(off);
  });

  registry.define(`a ${EVENT_KINDS} event was fired`, async ({ world }: StepContext, kind) => {
    await world.waitForEvent(kind as FlagEventKind, eventTimeout);
  });

  registry.define(
    `the ${EVENT_KINDS} event handler should have been executed`,
    async ({ world }: StepContext, kind) => {
      await world.waitForEvent(kind as FlagEventKind, eventTimeout);
    },
  );

  registry.define(
    `the ${EVENT_KINDS} event handler should have been executed within {int}ms`,
    async ({ world }: StepContext, kind, ms) => {
      await world.waitForEvent(kind as FlagEventKind, Number(ms));
    },
  );

  registry.define('the flag should be part of the event payload', ({ world }: StepContext) => {
    const event = world.lastEvent;
    const key = world.flag?.key;
    assert.ok(key, 'no flag: "a <Type>-flag with key …" must come first');
    assert.ok(
      event?.kind === 'change',
      `the last claimed event is ${event?.kind ?? 'none'}, not change`,
    );
    assert.ok(
      event.flagsChanged?.includes(key),
      `flagsChanged ${JSON.stringify(event.flagsChanged)} does not include ${key}`,
    );
  });

  registry.define('the client should be in fatal state', ({ world }: StepContext) => {
    const client = requireClient(world);
    if (!client.status) throw new Error('this client reports no status (FlagClient.status)');
    assert.equal(client.status(), 'FATAL');
  });
}
