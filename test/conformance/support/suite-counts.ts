// Scenario counts per suite: the runner prints selected/excluded by tag when it loads; this
// adds how many of the run scenarios passed. A scenario passed when none of its steps (nor the
// step lookup) threw — observed by wrapping the registry's `match`, so the shared step library
// and runner stay untouched.
import type { StepRegistry } from '../../gherkin/registry.js';
import { defineSuite } from '../../gherkin/runner.js';
import type { SuiteCounts, SuiteOptions } from '../../gherkin/runner.js';
import type { SuiteFixture, World } from '../../gherkin/world.js';

export interface ScenarioTally {
  /** Call from the fixture's beforeScenario. */
  begin(world: World): void;
}

export function tallyScenarios(
  steps: StepRegistry,
  name: string,
  counts: () => SuiteCounts,
  knownFailures: number,
): ScenarioTally {
  const failed = new WeakSet<World>();
  let current: World | undefined;
  let passed = 0;
  let failing = 0;
  const match = steps.match.bind(steps);
  steps.match = (text: string) => {
    let found: ReturnType<StepRegistry['match']>;
    try {
      found = match(text);
    } catch (error) {
      if (current) failed.add(current);
      throw error;
    }
    return {
      ...found,
      fn: async (ctx, ...args) => {
        try {
          return await found.fn(ctx, ...args);
        } catch (error) {
          failed.add(ctx.world);
          throw error;
        }
      },
    };
  };
  afterEach(() => {
    if (!current) return;
    if (failed.has(current)) failing++;
    else passed++;
    current = undefined;
  });
  afterAll(() => {
    const c = counts();
    process.stdout.write(
      `[conformance] ${name}: ${passed} passed, ${failing} failed (${knownFailures} listed as known failures), ${c.excluded} excluded by tag, ${c.total} total\n`,
    );
  });
  return {
    begin(world) {
      current = world;
    },
  };
}

/**
 * defineSuite with the pass/fail tally: `fixture` gets the hook its beforeScenario must call.
 * Must be called at module top level of a `*.test.ts` file, like defineSuite.
 */
export function defineCountedSuite(
  options: Omit<SuiteOptions, 'fixture'> & {
    readonly fixture: (beforeScenario: (world: World) => void) => SuiteFixture;
  },
): SuiteCounts {
  let counts: SuiteCounts | undefined;
  const tally = tallyScenarios(
    options.steps,
    options.name,
    () => counts ?? { total: 0, selected: 0, excluded: 0 },
    Object.keys(options.knownFailures ?? {}).length,
  );
  counts = defineSuite({ ...options, fixture: options.fixture((world) => tally.begin(world)) });
  return counts;
}
