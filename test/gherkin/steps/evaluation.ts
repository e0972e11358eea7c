// Steps that need no daemon: the flag under test, the evaluation context, the evaluation and
// its assertions. Shared by the evaluator suite and the provider suites.
import assert from 'node:assert/strict';
import { asGherkinType, parseTyped, valueTypeOf } from '../cells.js';
import type { StepContext, StepRegistry } from '../registry.js';
import type { FlagClient, FlagDetails, FlagUnderTest, World } from '../world.js';

const FLAG_TYPES = '{Boolean|String|Integer|Float|Long|Object}';

function requireClient(world: World): FlagClient {
  if (!world.client) {
    throw new Error(
      'no evaluator or provider: a step "an evaluator" or "a … flagd provider" must come first',
    );
  }
  return world.client;
}

function requireFlag(world: World): FlagUnderTest {
  if (!world.flag) throw new Error('no flag: a step "a <Type>-flag with key …" must come first');
  return world.flag;
}

function requireDetails(world: World): FlagDetails {
  if (!world.details) {
    throw new Error('no evaluation: "the flag was evaluated with details" must come first');
  }
  return world.details;
}

/** Empty cell = "no value" for variant and error code. */
function optional(raw: string): string | undefined {
  return raw === '' ? undefined : raw;
}

function describeDetails(d: FlagDetails): string {
  return JSON.stringify({
    value: d.value,
    variant: d.variant,
    reason: d.reason,
    errorCode: d.errorCode,
    errorMessage: d.errorMessage,
    flagMetadata: d.flagMetadata,
  });
}

export function registerEvaluationSteps(registry: StepRegistry): void {
  registry.define('an evaluator', async ({ world, fixture }: StepContext) => {
    // Idempotent: the evaluator features repeat it after a Background that already has it.
    if (world.client) return;
    if (!fixture.createEvaluator) throw new Error('this suite has no createEvaluator fixture hook');
    world.client = await fixture.createEvaluator(world);
  });

  registry.define(
    `a ${FLAG_TYPES}-flag with key {string} and a {default|fallback} value {string}`,
    ({ world }: StepContext, type, key, _kind, raw) => {
      const gherkinType = asGherkinType(type);
      // A String default is taken literally (the "null" convention applies to expectations).
      const parsed = gherkinType === 'String' ? raw : parseTyped(gherkinType, raw!);
      world.flag = {
        type: gherkinType,
        valueType: valueTypeOf(gherkinType),
        key: key!,
        defaultValue: parsed === undefined ? null : parsed,
      };
    },
  );

  registry.define(
    'a context containing a key {string}, with type {string} and with value {string}',
    ({ world }: StepContext, key, type, raw) => {
      world.context[key!] = parseTyped(asGherkinType(type!), raw!);
    },
  );

  registry.define(
    'a context containing a nested property with outer key {string} and inner key {string}, with value {string}',
    ({ world }: StepContext, outer, inner, value) => {
      const existing = world.context[outer!];
      const object =
        existing !== null && typeof existing === 'object' && !Array.isArray(existing)
          ? (existing as Record<string, unknown>)
          : {};
      world.context[outer!] = { ...object, [inner!]: value };
    },
  );

  registry.define(
    'a context containing a targeting key with value {string}',
    ({ world }: StepContext, value) => {
      world.context.targetingKey = value;
    },
  );

  registry.define('the flag was evaluated with details', async ({ world }: StepContext) => {
    const client = requireClient(world);
    const flag = requireFlag(world);
    world.details = await client.evaluateDetails(
      flag.valueType,
      flag.key,
      flag.defaultValue,
      world.context,
    );
  });

  registry.define(
    'the resolved details value should be {string}',
    ({ world }: StepContext, raw) => {
      const flag = requireFlag(world);
      const details = requireDetails(world);
      const expected = flag.type === 'String' ? raw : parseTyped(flag.type, raw!);
      assert.deepStrictEqual(
        details.value,
        expected,
        `value of ${flag.key}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(details.value)}; details ${describeDetails(details)}`,
      );
    },
  );

  registry.define('the reason should be {string}', ({ world }: StepContext, reason) => {
    const details = requireDetails(world);
    assert.equal(
      details.reason,
      reason,
      `reason: expected ${reason}, got ${details.reason}; details ${describeDetails(details)}`,
    );
  });

  registry.define('the variant should be {string}', ({ world }: StepContext, raw) => {
    const details = requireDetails(world);
    const expected = optional(raw!);
    const actual = optional(details.variant ?? '');
    assert.equal(
      actual,
      expected,
      `variant: expected ${expected}, got ${actual}; details ${describeDetails(details)}`,
    );
  });

  registry.define('the error-code should be {string}', ({ world }: StepContext, raw) => {
    const details = requireDetails(world);
    const expected = optional(raw!);
    const actual = optional(details.errorCode ?? '');
    assert.equal(
      actual,
      expected,
      `error code: expected ${expected ?? '(none)'}, got ${actual ?? '(none)'}; details ${describeDetails(details)}`,
    );
  });

  registry.define('the resolved metadata should contain', ({ world, step }: StepContext) => {
    const details = requireDetails(world);
    const table = step.dataTable;
    if (!table || table.length < 1)
      throw new Error('expected a table: key | metadata_type | value');
    const header = table[0]!.map((h) => h.trim());
    const col = (name: string): number => {
      const i = header.indexOf(name);
      if (i < 0) throw new Error(`metadata table has no "${name}" column`);
      return i;
    };
    const [k, t, v] = [col('key'), col('metadata_type'), col('value')];
    for (const row of table.slice(1)) {
      const key = row[k]!;
      const expected = parseTyped(asGherkinType(row[t]!), row[v]!);
      assert.ok(
        Object.hasOwn(details.flagMetadata, key),
        `metadata has no "${key}": ${JSON.stringify(details.flagMetadata)}`,
      );
      assert.deepStrictEqual(
        details.flagMetadata[key],
        expected,
        `metadata "${key}": expected ${JSON.stringify(expected)}, got ${JSON.stringify(details.flagMetadata[key])}`,
      );
    }
  });

  registry.define('the resolved metadata is empty', ({ world }: StepContext) => {
    const details = requireDetails(world);
    // Exactly {}: no injected keys such as flagSetId (gherkin/metadata.feature).
    assert.deepStrictEqual(
      { ...details.flagMetadata },
      {},
      `expected empty metadata, got ${JSON.stringify(details.flagMetadata)}`,
    );
  });
}
