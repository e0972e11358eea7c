// The properties every fuzz case must hold, whatever the rule and the context:
// - parsing never throws and never rejects the document for one flag's rule (the daemon's mode,
//   strict with targeting errors isolated, and the provider's isolating mode);
// - evaluation (typed, untyped, all flags, explain) never throws and gives a well-formed
//   result; the other flag is always served;
// - whatever a rule produces stays within the budget's sizes;
// - nothing reaches a prototype.
import {
  createSnapshot,
  DEFAULT_LIMITS,
  evaluate,
  evaluateAll,
  evaluateAny,
  explain,
  type EvaluationContext,
  type EvaluationResult,
  type FlagSnapshot,
  type ParseOptions,
  parseFlags,
} from '../src/index.js';
import { contextOf, type FuzzCase } from './cases.js';

/** Outcome counts, for the fuzz summary. */
export type FuzzStats = Map<string, number>;

const REASONS = new Set(['STATIC', 'TARGETING_MATCH', 'DEFAULT', 'DISABLED', 'ERROR']);
const ERROR_CODES = new Set(['FLAG_NOT_FOUND', 'PARSE_ERROR', 'TYPE_MISMATCH', 'GENERAL']);
const DEFAULTS = { boolean: false, string: 'dflt', number: -1, object: { d: 1 } } as const;
const MODES: readonly ParseOptions[] = [
  { mode: 'strict', targetingErrors: 'isolate', source: 'fuzz.json' },
  { mode: 'isolating', source: 'fuzz.json' },
];

export class PropertyViolation extends Error {}

function fail(message: string, c: FuzzCase): never {
  throw new PropertyViolation(`${message} (shape ${c.shape}, rule ${c.ruleText.slice(0, 300)})`);
}

function documentText(c: FuzzCase): string {
  const variants = '{"a":"A","b":"B","on":"ON","off":"OFF","true":"T","1":"one"}';
  return `{"$evaluators":{"e1":${c.evaluatorText}},"flags":{"target":{"state":"ENABLED","variants":${variants},"defaultVariant":"a","targeting":${c.ruleText}},"plain":{"state":"ENABLED","variants":{"on":true},"defaultVariant":"on"}}}`;
}

/** What a prototype pollution would change: the own property names of the built-in prototypes. */
export function prototypeFingerprint(): string {
  return [Object.prototype, Array.prototype, Function.prototype, String.prototype]
    .map((p) => Object.getOwnPropertyNames(p).sort().join(','))
    .join('|');
}

function checkResult(r: EvaluationResult<unknown>, c: FuzzCase): void {
  if (!REASONS.has(r.reason)) fail(`unknown reason ${r.reason}`, c);
  if (r.reason === 'ERROR' && !ERROR_CODES.has(r.errorCode as string))
    fail(`ERROR without a known code: ${r.errorCode}`, c);
  if (typeof r.flagMetadata !== 'object' || r.flagMetadata === null) fail('no flagMetadata', c);
  const v = r.value;
  if (typeof v === 'string' && v.length > DEFAULT_LIMITS.maxStringLength)
    fail('string over the limit', c);
}

function snapshotOf(c: FuzzCase, options: ParseOptions): FlagSnapshot {
  const parsed = parseFlags(documentText(c), options);
  if (!parsed.ok || parsed.configuration === undefined) {
    const first = parsed.diagnostics.find((d) => d.severity === 'error');
    fail(`document rejected (${options.mode}): ${first?.code} ${first?.message}`, c);
  }
  for (const d of parsed.diagnostics) {
    if (d.code === 'INTERNAL' || d.code === 'COMPILE_FAILED') fail(`${d.code}: ${d.message}`, c);
  }
  return createSnapshot(parsed.configuration).snapshot;
}

/** Runs one case through parse and every evaluation entry point; throws on a violation. */
export function checkCase(c: FuzzCase, stats?: FuzzStats): void {
  const before = prototypeFingerprint();
  const context = contextOf(c.context) as EvaluationContext;
  for (const options of MODES) {
    const snapshot = snapshotOf(c, options);
    const typed = evaluate(snapshot, {
      flagKey: 'target',
      type: c.type,
      defaultValue: DEFAULTS[c.type],
      context,
    });
    checkResult(typed, c);
    checkResult(evaluateAny(snapshot, { flagKey: 'target', context }), c);
    checkResult(explain(snapshot, { flagKey: 'target', context }).result, c);
    const all = evaluateAll(snapshot, context);
    if (all.get('plain')?.reason !== 'STATIC') fail('the other flag was not served', c);
    if (options.mode === 'strict' && stats !== undefined) {
      const message = typed.errorMessage ?? '';
      const budget = typed.errorCode === 'GENERAL' && message.includes('limit of');
      const key = `${typed.reason}${typed.errorCode ? `/${typed.errorCode}` : ''}${budget ? ' (budget)' : ''}`;
      stats.set(key, (stats.get(key) ?? 0) + 1);
    }
  }
  if (prototypeFingerprint() !== before) fail('a built-in prototype changed', c);
  if (({} as Record<string, unknown>).polluted !== undefined) fail('Object.prototype polluted', c);
}
