// A jest-based gherkin runner: one jest test per scenario (per example row for outlines),
// filtered by a tag expression, steps run against a shared StepRegistry with a fresh World.
import { type LoadedFeature, loadFeatures, type ScenarioCase } from './feature-loader.js';
import { type StepRegistry, UndefinedStepError } from './registry.js';
import { type SuiteFixture, World } from './world.js';

export interface KnownFailure {
  /** Why it fails; a listed case that passes fails the run so the list cannot go stale. */
  readonly reason: string;
}

export interface SuiteOptions {
  /** Suite name (the outer describe block, and the label of the printed counts). */
  readonly name: string;
  /** Directory whose `.feature` files (recursively) make up the suite. */
  readonly dir: string;
  /** A @cucumber/tag-expressions expression; cases it rejects are excluded (not run). */
  readonly tags?: string;
  readonly steps: StepRegistry;
  readonly fixture: SuiteFixture;
  /** Known failures by test name (`<feature> › <scenario>[ › <example>]`, see caseName). */
  readonly knownFailures?: Readonly<Record<string, KnownFailure>>;
  /** Per-test timeout in ms (provider suites wait for outages). */
  readonly timeoutMs?: number;
  /** Print the counts line (default true). */
  readonly printCounts?: boolean;
}

export interface SuiteCounts {
  readonly total: number;
  readonly selected: number;
  readonly excluded: number;
}

/** `name=value, …` for an example row, prefixed by its Examples block name when it has one. */
export function exampleLabel(c: ScenarioCase): string | undefined {
  if (!c.example) return undefined;
  const pairs = c.example.header.map((h, i) => `${h}=${c.example!.values[i] ?? ''}`).join(', ');
  return c.example.block ? `${c.example.block}: ${pairs}` : pairs;
}

/** The test name: feature › scenario › example values. */
export function caseName(feature: LoadedFeature, c: ScenarioCase): string {
  const example = exampleLabel(c);
  return [feature.name || feature.uri, c.scenario, ...(example ? [example] : [])].join(' › ');
}

/** Runs one scenario's steps in a fresh World; rejects with the failing step's location. */
export async function runScenario(
  feature: LoadedFeature,
  c: ScenarioCase,
  steps: StepRegistry,
  fixture: SuiteFixture,
): Promise<void> {
  const world = new World();
  let failure: unknown;
  try {
    await fixture.beforeScenario?.(world);
    for (const step of c.steps) {
      const where = `${feature.uri}:${step.line}`;
      let match: ReturnType<StepRegistry['match']>;
      try {
        match = steps.match(step.text);
      } catch (error) {
        if (error instanceof UndefinedStepError) {
          throw new UndefinedStepError(`Undefined step at ${where}: ${step.keyword} ${step.text}`);
        }
        throw error;
      }
      try {
        await match.fn({ world, fixture, step }, ...match.args);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const wrapped = new Error(
          `Step failed at ${where}: ${step.keyword} ${step.text}\n${message}`,
        );
        if (error instanceof Error && error.stack)
          wrapped.stack = `${wrapped.message}\n${error.stack}`;
        throw wrapped;
      }
    }
  } catch (error) {
    failure = error;
  }
  try {
    await world.dispose();
  } catch (error) {
    failure ??= error;
  }
  if (failure !== undefined) throw failure;
}

/** Loads the suite's features and counts cases without registering tests. */
export function countCases(features: readonly LoadedFeature[]): SuiteCounts {
  let total = 0;
  let selected = 0;
  for (const f of features) {
    for (const c of f.cases) {
      total++;
      if (c.selected) selected++;
    }
  }
  return { total, selected, excluded: total - selected };
}

/**
 * Registers the suite with jest: `describe(name) › describe(feature) › test(scenario › example)`.
 * Excluded cases are not registered (they are counted and printed instead). Must be called at
 * module top level of a `*.test.ts` file.
 */
export function defineSuite(options: SuiteOptions): SuiteCounts {
  const loaded = loadFeatures(options.dir, options.tags);
  const counts = countCases(loaded.features);
  const known = new Map(Object.entries(options.knownFailures ?? {}));
  const seenKnown = new Set<string>();

  if (options.printCounts ?? true) {
    process.stdout.write(
      `[gherkin] ${options.name}: ${counts.selected} selected, ${counts.excluded} excluded by tag (${options.tags ?? 'no filter'}), ${counts.total} total, ${loaded.features.length} feature files in ${options.dir}\n`,
    );
  }

  describe(options.name, () => {
    for (const feature of loaded.features) {
      describe(feature.name || feature.uri, () => {
        if (feature.error) {
          test(`${feature.uri} parses`, () => {
            throw new Error(`cannot parse ${feature.file}: ${feature.error}`);
          });
          return;
        }
        const names = new Map<string, number>();
        for (const c of feature.cases) {
          if (!c.selected) continue;
          let name = caseName(feature, c);
          // Two rows with identical values would otherwise collide; keep names unique.
          const n = (names.get(name) ?? 0) + 1;
          names.set(name, n);
          if (n > 1) name = `${name} #${n}`;
          const scenarioName = name.slice((feature.name || feature.uri).length + 3);
          const knownFailure = known.get(name);
          if (knownFailure) seenKnown.add(name);
          test(
            scenarioName,
            async () => {
              if (!knownFailure) {
                await runScenario(feature, c, options.steps, options.fixture);
                return;
              }
              let passed = false;
              try {
                await runScenario(feature, c, options.steps, options.fixture);
                passed = true;
              } catch {
                // Expected: listed as a known failure.
              }
              if (passed) {
                throw new Error(
                  `"${name}" is listed as a known failure (${knownFailure.reason}) but passes: remove it from the list`,
                );
              }
            },
            options.timeoutMs,
          );
        }
      });
    }
    if (known.size === 0) return;
    test('known-failures list names only existing, selected scenarios', () => {
      const stale = [...known.keys()].filter((k) => !seenKnown.has(k));
      if (stale.length > 0) {
        throw new Error(`known failures that match no selected scenario:\n  ${stale.join('\n  ')}`);
      }
    });
  });
  return counts;
}
