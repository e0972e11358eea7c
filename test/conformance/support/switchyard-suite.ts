// Our provider's testbed suites: every .feature under the testbed's gherkin/, one mode tag, with
// SwitchyardProvider against our daemon.
import type { KnownFailure } from '../../gherkin/runner.js';
import { createStepLibrary } from '../../gherkin/steps/index.js';
import { testbedPath, testbedVersion } from '../../support/testbed.js';
import { useLaunchpad } from './launchpad-suite.js';
import { closeEvaluationSockets } from './provider-plan.js';
import { defineCountedSuite } from './suite-counts.js';
import { type SwitchyardMode, switchyardFixture } from './switchyard-fixture.js';

/**
 * Everything of the mode passes except these three tags (legacy and future fractional bucketing,
 * deprecated scenarios); @os.linux (unix sockets) is left out only where the platform is not Linux.
 */
export const EXCLUDED_TAGS = `not @fractional-v1 and not @fractional-v3 and not @deprecated${
  process.platform === 'linux' ? '' : ' and not @os.linux'
}`;

/** Outages dominate: the longest scenario waits 6 s of outage plus grace and reconnect. */
export const SCENARIO_TIMEOUT_MS = 60_000;

export function defineSwitchyardSuite(
  mode: SwitchyardMode,
  knownFailures: Readonly<Record<string, KnownFailure>> = {},
): void {
  const name = `flagd-testbed ${testbedVersion()} @${mode}: SwitchyardProvider`;
  const launchpad = useLaunchpad();
  afterAll(() => closeEvaluationSockets());
  const steps = createStepLibrary();
  defineCountedSuite({
    name,
    dir: testbedPath('gherkin'),
    tags: `@${mode} and ${EXCLUDED_TAGS}`,
    steps,
    knownFailures,
    timeoutMs: SCENARIO_TIMEOUT_MS,
    fixture: (beforeScenario) => switchyardFixture(mode, launchpad, { beforeScenario }),
  });
}
