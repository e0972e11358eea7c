// Every step in both testbed suites (gherkin/ and evaluator/gherkin/, all tags, including
// excluded ones) matches exactly one shared step definition (each pattern is written once).
import { testbedPath } from '../support/testbed.js';
import { loadFeatures } from './feature-loader.js';
import { createStepLibrary } from './steps/index.js';

describe('shared step library covers the testbed vocabulary', () => {
  const steps = createStepLibrary();
  for (const suite of ['gherkin', 'evaluator/gherkin']) {
    test(`${suite}: every step matches exactly one definition`, () => {
      const problems = new Set<string>();
      let count = 0;
      for (const feature of loadFeatures(testbedPath(suite)).features) {
        expect(feature.error).toBeUndefined();
        for (const c of feature.cases) {
          for (const step of c.steps) {
            count++;
            try {
              steps.match(step.text);
            } catch (error) {
              problems.add(`${feature.uri}:${step.line}: ${(error as Error).message}`);
            }
          }
        }
      }
      expect([...problems]).toEqual([]);
      expect(count).toBeGreaterThan(0);
    });
  }
});
