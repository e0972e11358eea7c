// Step definitions: each pattern is written once and shared by every suite. A pattern is a
// RegExp (anchored by the registry) or a cucumber-expression-like string where `{string}` is a
// double-quoted argument (`\"` unescaped), `{int}` an integer, `{word}` a run of non-space
// characters and `{a|b|c}` one of the listed words (captured); everything else is literal.
import { unescapeQuotes } from './cells.js';
import type { PickledStep } from './feature-loader.js';
import type { SuiteFixture, World } from './world.js';

export interface StepContext {
  readonly world: World;
  readonly fixture: SuiteFixture;
  readonly step: PickledStep;
}

export type StepFn = (ctx: StepContext, ...args: string[]) => unknown;

interface StepDefinition {
  readonly source: string;
  readonly regex: RegExp;
  /** Capture groups that hold `{string}` arguments (to unescape). */
  readonly quoted: ReadonlySet<number>;
  readonly fn: StepFn;
}

export interface StepMatch {
  readonly definition: string;
  readonly args: string[];
  readonly fn: StepFn;
}

export class UndefinedStepError extends Error {
  override readonly name = 'UndefinedStepError';
}

export class AmbiguousStepError extends Error {
  override readonly name = 'AmbiguousStepError';
}

function compileExpression(expression: string): { regex: RegExp; quoted: Set<number> } {
  const quoted = new Set<number>();
  let group = 0;
  let source = '';
  for (const part of expression.split(/(\{string\}|\{int\}|\{word\}|\{[\w-]+(?:\|[\w-]+)+\})/)) {
    if (part === '{string}') {
      // Non-greedy but anchored, so the last argument may itself contain quotes: the gherkin/
      // suite writes Object cells unescaped (`with value "{"a": 1}"`).
      source += '"(.*?)"';
      quoted.add(group++);
    } else if (part === '{int}') {
      source += '(-?\\d+)';
      group++;
    } else if (part === '{word}') {
      source += '(\\S+)';
      group++;
    } else if (/^\{[\w-]+(\|[\w-]+)+\}$/.test(part)) {
      source += `(${part.slice(1, -1)})`;
      group++;
    } else {
      source += part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    }
  }
  return { regex: new RegExp(`^${source}$`), quoted };
}

export class StepRegistry {
  private readonly definitions: StepDefinition[] = [];

  /** Adds a step definition; a second definition with the same pattern is an error. */
  define(pattern: string | RegExp, fn: StepFn): this {
    const source = typeof pattern === 'string' ? pattern : pattern.source;
    if (this.definitions.some((d) => d.source === source)) {
      throw new Error(`step pattern defined twice: ${source}`);
    }
    if (typeof pattern === 'string') {
      const { regex, quoted } = compileExpression(pattern);
      this.definitions.push({ source, regex, quoted, fn });
    } else {
      const anchored = new RegExp(
        `${pattern.source.startsWith('^') ? '' : '^'}${pattern.source}${pattern.source.endsWith('$') ? '' : '$'}`,
        pattern.flags,
      );
      this.definitions.push({ source, regex: anchored, quoted: new Set(), fn });
    }
    return this;
  }

  /** The single definition matching `text`; throws when none or several match. */
  match(text: string): StepMatch {
    const found: StepMatch[] = [];
    for (const d of this.definitions) {
      const m = d.regex.exec(text);
      if (!m) continue;
      const args = m.slice(1).map((a, i) => {
        const value = a ?? '';
        return d.quoted.has(i) ? unescapeQuotes(value) : value;
      });
      found.push({ definition: d.source, args, fn: d.fn });
    }
    if (found.length === 0) throw new UndefinedStepError(`Undefined step: "${text}"`);
    if (found.length > 1) {
      throw new AmbiguousStepError(
        `Ambiguous step "${text}" matches:\n${found.map((f) => `  ${f.definition}`).join('\n')}`,
      );
    }
    return found[0]!;
  }

  get size(): number {
    return this.definitions.length;
  }
}
