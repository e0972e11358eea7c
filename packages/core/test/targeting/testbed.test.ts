// The flagd-testbed rows that exercise targeting: the evaluator suite
// (evaluator/gherkin + evaluator/flags/testkit-flags.json) and the provider suite's
// gherkin/targeting.feature (flags/*.json), run through the compiler and a minimal resolver.
// @fractional-v1, @fractional-v3 and @deprecated rows are excluded, as in the conformance runner.
import path from 'node:path';
import {
  type GherkinCase,
  TESTBED_DIR,
  featureFiles,
  loadFlags,
  readFeature,
  resolveFlag,
} from './support.js';

const EXCLUDED = ['@fractional-v1', '@fractional-v3', '@deprecated'];
const TARGETING_FEATURES = ['fractional', 'semver', 'string', 'targeting', 'evaluator-refs'];

function selected(cases: GherkinCase[]): GherkinCase[] {
  return cases.filter((c) => c.flagKey !== '' && !c.tags.some((t) => EXCLUDED.includes(t)));
}

function check(c: GherkinCase, flags: ReturnType<typeof loadFlags>): void {
  const flag = flags.get(c.flagKey);
  if (flag === undefined) throw new Error(`flag ${c.flagKey} is not in the testbed flags`);
  const r = resolveFlag(c.flagKey, flag, c.fallback, c.context);
  if (c.expectedValue !== undefined) expect(String(r.value)).toBe(c.expectedValue);
  if (c.expectedReason !== undefined) expect(r.reason).toBe(c.expectedReason);
  if (c.expectedErrorCode !== undefined) expect(r.errorCode ?? '').toBe(c.expectedErrorCode);
}

describe('evaluator suite (evaluator/gherkin, testkit-flags.json)', () => {
  const flags = loadFlags([path.join(TESTBED_DIR, 'evaluator/flags/testkit-flags.json')]);
  const files = featureFiles(path.join(TESTBED_DIR, 'evaluator/gherkin')).filter((f) =>
    TARGETING_FEATURES.includes(path.basename(f, '.feature')),
  );
  const cases = selected(files.flatMap(readFeature));

  it('finds the @fractional-v2, @semver and @string rows', () => {
    expect(cases.filter((c) => c.tags.includes('@fractional-v2')).length).toBeGreaterThanOrEqual(
      12,
    );
    expect(cases.filter((c) => c.tags.includes('@semver')).length).toBeGreaterThanOrEqual(25);
    expect(cases.filter((c) => c.tags.includes('@string')).length).toBeGreaterThanOrEqual(6);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => check(c, flags));
});

describe('provider suite gherkin/targeting.feature (flags/*.json)', () => {
  const dir = path.join(TESTBED_DIR, 'flags');
  const flags = loadFlags(
    [
      'testing-flags.json',
      'zero-flags.json',
      'evaluator-refs.json',
      'custom-ops.json',
      'edge-case-flags.json',
    ].map((f) => path.join(dir, f)),
  );
  const cases = selected(readFeature(path.join(TESTBED_DIR, 'gherkin/targeting.feature')));

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => check(c, flags));
});
