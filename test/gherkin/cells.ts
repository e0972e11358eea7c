// Typed values from gherkin cells, following the conventions of the testbed's feature files:
// types Boolean String Integer Float Long Object ResolverType CacheType StringList; booleans are
// case-insensitive; StringList splits on commas and trims; Object cells are JSON, where the
// evaluator suite escapes quotes as \" (unescaped first); "null" for String/Object means "no
// value" (the JS harness maps it to undefined).

export type GherkinType =
  | 'Boolean'
  | 'String'
  | 'Integer'
  | 'Float'
  | 'Long'
  | 'Object'
  | 'ResolverType'
  | 'CacheType'
  | 'StringList';

/** The four OpenFeature resolver types. */
export type ValueType = 'boolean' | 'string' | 'number' | 'object';

const GHERKIN_TYPES: readonly string[] = [
  'Boolean',
  'String',
  'Integer',
  'Float',
  'Long',
  'Object',
  'ResolverType',
  'CacheType',
  'StringList',
];

export function asGherkinType(raw: string): GherkinType {
  if (!GHERKIN_TYPES.includes(raw)) {
    throw new Error(`unknown gherkin type "${raw}" (expected one of ${GHERKIN_TYPES.join(', ')})`);
  }
  return raw as GherkinType;
}

/** The OpenFeature resolver a flag type maps to. */
export function valueTypeOf(type: GherkinType): ValueType {
  switch (type) {
    case 'Boolean':
      return 'boolean';
    case 'Integer':
    case 'Float':
    case 'Long':
      return 'number';
    case 'Object':
      return 'object';
    default:
      return 'string';
  }
}

/** Undo the `\"` (and `\\`) escaping used in quoted step arguments and evaluator/ cells. */
export function unescapeQuotes(raw: string): string {
  return raw.replace(/\\(["\\])/g, '$1');
}

export function parseBoolean(raw: string): boolean {
  const v = raw.trim().toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new Error(`not a boolean: "${raw}"`);
}

function parseNumber(raw: string, integer: boolean): number {
  const n = Number(raw.trim());
  if (raw.trim() === '' || Number.isNaN(n)) throw new Error(`not a number: "${raw}"`);
  if (integer && !Number.isInteger(n)) throw new Error(`not an integer: "${raw}"`);
  return n;
}

/**
 * A cell as a typed value. `undefined` stands for the "null" String/Object convention.
 * Object cells are JSON after unescaping `\"`.
 */
export function parseTyped(type: GherkinType, raw: string): unknown {
  switch (type) {
    case 'Boolean':
      return parseBoolean(raw);
    case 'Integer':
    case 'Long':
      return parseNumber(raw, true);
    case 'Float':
      return parseNumber(raw, false);
    case 'String':
      return raw === 'null' ? undefined : raw;
    case 'Object': {
      if (raw === 'null') return undefined;
      const text = unescapeQuotes(raw);
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw new Error(`Object cell is not JSON: ${text}`);
      }
    }
    case 'ResolverType':
    case 'CacheType':
      // Values are case-insensitive (`IN-PROCESS`, `RPC`; gherkin/config.feature): lower-cased.
      return raw.trim().toLowerCase();
    case 'StringList':
      return raw
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
  }
}
