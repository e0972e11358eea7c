// flagd-testbed evaluator suite ($FLAGD_TESTBED_DIR/evaluator): every .feature under
// evaluator/gherkin against evaluator/flags/testkit-flags.json, evaluated by @switchyard/core.
// Everything passes except @fractional-v1 (the legacy bucketing), @fractional-v3 (CBOR hashing:
// open-feature/flagd:docs/architecture-decisions/fractional-non-string-rand-units.md is accepted
// but not implemented in flagd) and @deprecated.
import { readFileSync } from 'node:fs';
import { coreEvaluatorClient, loadSnapshot } from '../gherkin/adapters/core-evaluator.js';
import { defineSuite, type KnownFailure } from '../gherkin/runner.js';
import { createStepLibrary } from '../gherkin/steps/index.js';
import { testbedPath, testbedVersion } from '../support/testbed.js';

export const EVALUATOR_TAGS = 'not @fractional-v1 and not @fractional-v3 and not @deprecated';

/**
 * Scenarios expected to fail, by test name (`<feature> › <scenario>[ › <example>]`), each with
 * its reason. A listed scenario that passes fails the run. Keep this empty unless a testbed
 * expectation contradicts flagd itself (cite the flagd source or issue).
 */
const KNOWN_FAILURES: Readonly<Record<string, KnownFailure>> = {};

const flagsFile = testbedPath('evaluator', 'flags', 'testkit-flags.json');
const flagsText = readFileSync(flagsFile, 'utf8');

defineSuite({
  name: `flagd-testbed ${testbedVersion()} evaluator`,
  dir: testbedPath('evaluator', 'gherkin'),
  tags: EVALUATOR_TAGS,
  steps: createStepLibrary(),
  knownFailures: KNOWN_FAILURES,
  fixture: {
    // Strict parsing with targeting errors isolated, as the daemon and flagd load files: any
    // other problem rejects the file (and fails every scenario loudly), while
    // `ref-to-nonexistent-evaluator-flag` stays loaded and evaluates to PARSE_ERROR.
    createEvaluator: () =>
      coreEvaluatorClient(
        loadSnapshot(flagsText, { source: flagsFile, mode: 'strict', targetingErrors: 'isolate' }),
      ),
  },
});
