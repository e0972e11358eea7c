// The benchmark's "no budget" side: a stand-in for src/targeting/budget.ts that charges and
// checks nothing. scripts/run-ts.mjs builds core's sources a second time with
// targeting/budget.js re-exporting this module, so that build and ours run the same engine code
// and differ only in what the budget does inside the operators (steps charged, lengths checked,
// arrays joined as text under a bound). With unlimited limits the budget would still count (a
// subtraction and a comparison per charge), so raising the limits cannot measure its cost.
// Both builds still reset the step counter once per evaluation of a rule and test the rule's
// result for a RuleFailure: the measured cost leaves out those two instructions.
import type { BudgetSite as Budgeted } from '../src/targeting/budget.js';
import type { TargetingScope } from '../src/targeting/types.js';
import { toText } from '../src/targeting/values.js';

/** Never thrown here; exported because the compiled rule tests for it. */
export class BudgetExceeded {
  constructor(readonly message: string) {}
}

/** The budget's operator-facing API, doing only what the operators need done. */
export class BudgetSite implements Pick<Budgeted, keyof Budgeted> {
  charge(_s: TargetingScope, _n: number): void {}

  array(_length: number): void {}

  produced(_s: TargetingScope, text: string): string {
    return text;
  }

  scan(_s: TargetingScope, _text: string): void {}

  /** Arrays become their Array#join text, as JSONLogic coerces them, without a bound. */
  text(_s: TargetingScope, v: unknown): string {
    return toText(v);
  }

  primitive(_s: TargetingScope, v: unknown): unknown {
    return Array.isArray(v) ? toText(v) : v;
  }
}
