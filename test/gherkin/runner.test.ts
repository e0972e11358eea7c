// The runner itself, on fixture features: outline expansion with placeholders in names,
// Background steps, tag inheritance (feature, scenario, Examples block), escaped JSON cells,
// data tables, and undefined steps failing with the step text.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { parseTyped } from './cells.js';
import { loadFeatures } from './feature-loader.js';
import { StepRegistry } from './registry.js';
import { caseName, countCases, runScenario } from './runner.js';

const dir = join(__dirname, 'fixtures');

function counterSteps(): StepRegistry {
  const registry = new StepRegistry();
  registry.define('a counter starting at {int}', ({ world }, n) => {
    world.bag.set('counter', Number(n));
  });
  registry.define('I add {int}', ({ world }, n) => {
    world.bag.set('counter', (world.bag.get('counter') as number) + Number(n));
  });
  registry.define('the counter should be {string}', ({ world }, total) => {
    assert.equal(world.bag.get('counter'), Number(total));
  });
  registry.define('the object should be {string}', (_ctx, raw) => {
    assert.deepEqual(parseTyped('Object', raw!), { a: 1 });
  });
  registry.define('the table should have {int} rows', ({ step }, n) => {
    assert.equal(step.dataTable?.length, Number(n));
  });
  return registry;
}

describe('gherkin runner', () => {
  const loaded = loadFeatures(dir, 'not @skip-me');
  const outline = loaded.features.find((f) => f.uri === 'outline.feature')!;
  const undefinedFeature = loaded.features.find((f) => f.uri === 'nested/undefined.feature')!;

  test('loads every .feature recursively, sorted by path', () => {
    expect(loaded.features.map((f) => f.uri)).toEqual([
      'nested/undefined.feature',
      'outline.feature',
    ]);
  });

  test('expands outlines per example row and filters by inherited tags', () => {
    expect(countCases(loaded.features)).toEqual({ total: 5, selected: 4, excluded: 1 });
    const names = outline.cases.map((c) => caseName(outline, c));
    expect(names).toEqual([
      'Runner fixture › Add 1 to the counter › small: amount=1, total=2',
      'Runner fixture › Add 2 to the counter › small: amount=2, total=3',
      'Runner fixture › Add 100 to the counter › large: amount=100, total=101',
      'Runner fixture › Escaped JSON and a table',
    ]);
    expect(outline.cases[0]!.tags).toEqual(['@feature-tag', '@first-block']);
    expect(outline.cases[2]!.selected).toBe(false);
    expect(outline.cases[3]!.tags).toEqual(['@feature-tag', '@scenario-tag']);
  });

  test('applies Background steps and runs every case', async () => {
    const steps = counterSteps();
    for (const c of outline.cases) await runScenario(outline, c, steps, {});
  });

  test('an undefined step fails the scenario with the step text', async () => {
    await expect(
      runScenario(undefinedFeature, undefinedFeature.cases[0]!, counterSteps(), {}),
    ).rejects.toThrow(
      'Undefined step at nested/undefined.feature:5: When something nobody defined happens',
    );
  });

  test('a pattern may be defined only once, and ambiguity is an error', () => {
    const registry = counterSteps();
    expect(() => registry.define('I add {int}', () => {})).toThrow('defined twice');
    registry.define(/^I add (\d+)$/, () => {});
    expect(() => registry.match('I add 3')).toThrow('Ambiguous');
  });

  test('a quoted last argument may contain quotes', () => {
    const registry = new StepRegistry();
    registry.define('key {string} value {string}', () => {});
    expect(registry.match('key "k" value "{"a": "b"}"').args).toEqual(['k', '{"a": "b"}']);
    expect(registry.match('key "k" value "{\\"a\\": 1}"').args).toEqual(['k', '{"a": 1}']);
  });
});
