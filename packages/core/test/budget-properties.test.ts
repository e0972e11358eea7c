// Property-based tests of the evaluation budget (fast-check): random and hostile rules with
// random contexts always compile and evaluate within the budget, never throw out of the engine
// and never pollute a prototype. CI runs FUZZ_RUNS cases (default 3,000); `npm run fuzz` runs a
// million with progress and a summary.
import fc from 'fast-check';
import { fuzzCase } from '../fuzz/cases.js';
import { checkCase } from '../fuzz/properties.js';

const runs = Number(process.env.FUZZ_RUNS ?? 3000);

test(`${runs} generated rules and contexts stay within the budget`, () => {
  fc.assert(
    fc.property(fuzzCase, (c) => checkCase(c)),
    { numRuns: runs, seed: Number(process.env.FUZZ_SEED ?? 20261206) },
  );
}, 300_000);
