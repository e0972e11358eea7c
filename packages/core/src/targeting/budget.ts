// The run-time evaluation budget: what one evaluation of one rule may spend. Every operator whose
// work or output grows with the data (iterations, merge, cat, scans of long strings, arrays
// coerced to text) spends steps from the scope's allowance and checks the sizes it produces, so
// no rule can run a process out of time or memory. Limits and their reasons: docs/adr/0025.
import type { RulePath } from './build.js';
import type { Limits, TargetingScope } from './types.js';
import { toText } from './values.js';

/** One step per this many characters produced or scanned. */
const CHARS_PER_STEP = 64;
/** Strings up to this length are scanned for free (hashing a targeting key, a version). */
const FREE_SCAN = 256;
/** Arrays nested deeper than this are not joined into text (json-logic would recurse). */
const MAX_JOIN_DEPTH = 64;

/**
 * Thrown inside a rule when the evaluation ran over its budget; the compiled rule turns it into
 * a RuleFailure (GENERAL for the flag). Control flow inside the engine, never seen outside it,
 * so it is not an Error (no stack to capture).
 */
export class BudgetExceeded {
  constructor(readonly message: string) {}
}

/** Where an operator spends: the limits and its place in the rule, fixed at compile time. */
export class BudgetSite {
  constructor(
    private readonly limits: Limits,
    private readonly at: RulePath,
  ) {}

  /** Spends `n` steps; throws when the evaluation's allowance runs out. */
  charge(s: TargetingScope, n: number): void {
    s.steps -= n;
    if (s.steps < 0) {
      throw new BudgetExceeded(
        `${this.at}: the evaluation took more than the limit of ${this.limits.maxSteps} steps`,
      );
    }
  }

  /** Checks the length of an array about to be produced. */
  array(length: number): void {
    if (length > this.limits.maxArrayLength) {
      throw new BudgetExceeded(
        `${this.at}: an array of ${length} elements is longer than the limit of ${this.limits.maxArrayLength}`,
      );
    }
  }

  /** Checks and pays for a string produced by the operator. */
  produced(s: TargetingScope, text: string): string {
    if (text.length > this.limits.maxStringLength) {
      throw new BudgetExceeded(
        `${this.at}: a string of ${text.length} characters is longer than the limit of ${this.limits.maxStringLength}`,
      );
    }
    if (text.length > FREE_SCAN) this.charge(s, (text.length / CHARS_PER_STEP) | 0);
    return text;
  }

  /** Pays for scanning a long string (hashing, searching, parsing). */
  scan(s: TargetingScope, text: string): void {
    if (text.length > FREE_SCAN) this.charge(s, (text.length / CHARS_PER_STEP) | 0);
  }

  /** `toText`, with arrays joined under the string limit instead of by Array#join. */
  text(s: TargetingScope, v: unknown): string {
    if (typeof v === 'string') return v;
    if (Array.isArray(v)) return this.produced(s, this.join(s, v, 0));
    return toText(v);
  }

  /** What `==` and `<` coerce an operand to: arrays become their (bounded) text. */
  primitive(s: TargetingScope, v: unknown): unknown {
    return Array.isArray(v) ? this.produced(s, this.join(s, v, 0)) : v;
  }

  /**
   * Array#join(',') of `items` (nested arrays flattened, null → ""), bounded in length; every
   * element walked is paid for before the text is built.
   */
  private join(s: TargetingScope, items: readonly unknown[], depth: number): string {
    if (depth > MAX_JOIN_DEPTH) {
      throw new BudgetExceeded(`${this.at}: arrays nested deeper than ${MAX_JOIN_DEPTH} levels`);
    }
    this.charge(s, items.length);
    const max = this.limits.maxStringLength;
    let out = '';
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (i > 0) out += ',';
      out += Array.isArray(item) ? this.join(s, item, depth + 1) : toText(item);
      if (out.length > max) {
        throw new BudgetExceeded(
          `${this.at}: text of an array is longer than the limit of ${max} characters`,
        );
      }
    }
    return out;
  }
}
