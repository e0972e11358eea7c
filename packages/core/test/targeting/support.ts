// Test support for the targeting compiler: compile helpers, scopes, and a small reader of the
// flagd-testbed gherkin files (read in place, never copied: ../support/paths.ts).
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { compileTargeting } from '../../src/targeting/compile.js';
import type {
  CompileResult,
  CompiledTargeting,
  TargetingScope,
} from '../../src/targeting/types.js';
import { DEFAULT_LIMITS } from '../../src/targeting/types.js';
import type { EvaluationContext, JsonValue } from '../../src/types.js';
import { schemasDir, testbedDir } from '../support/paths.js';

export const TESTBED_DIR = testbedDir();
export const SCHEMAS_DIR = schemasDir();

export function compile(rule: JsonValue, flagKey = 'test-flag'): CompileResult {
  return compileTargeting(rule, {
    flagKey,
    path: `flags.${flagKey}.targeting`,
    limits: DEFAULT_LIMITS,
  });
}

export function compiled(rule: JsonValue, flagKey = 'test-flag'): CompiledTargeting {
  const r = compile(rule, flagKey);
  if (!r.ok) throw new Error(`compile failed: ${r.error.code} ${r.error.path} ${r.error.message}`);
  return r.rule;
}

export function scope(
  context: EvaluationContext | undefined = {},
  flagKey = 'test-flag',
  baseContext?: EvaluationContext,
  timestamp = 1_700_000_000,
): TargetingScope {
  return { context, baseContext, flagKey, timestamp: () => timestamp, steps: 0 };
}

/** Compiles and evaluates in one go. */
export function run(
  rule: JsonValue,
  context: EvaluationContext = {},
  flagKey = 'test-flag',
): unknown {
  return compiled(rule, flagKey).evaluate(scope(context, flagKey));
}

// --- flags --------------------------------------------------------------------------------

export interface TestFlag {
  readonly state?: string;
  readonly variants: Record<string, JsonValue>;
  readonly defaultVariant?: string | null;
  readonly targeting?: JsonValue;
}

/** Replaces `{"$ref": name}` nodes (the model's job upstream; done here to feed the compiler). */
export function resolveRefs(v: JsonValue, evaluators: Record<string, JsonValue>): JsonValue {
  if (Array.isArray(v)) return v.map((x) => resolveRefs(x, evaluators));
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v);
    if (
      keys.length === 1 &&
      keys[0] === '$ref' &&
      typeof v.$ref === 'string' &&
      Object.hasOwn(evaluators, v.$ref)
    ) {
      return evaluators[v.$ref] as JsonValue;
    }
    const out: Record<string, JsonValue> = {};
    for (const k of keys) out[k] = resolveRefs(v[k] as JsonValue, evaluators);
    return out;
  }
  return v;
}

export function loadFlags(files: readonly string[]): Map<string, TestFlag> {
  const docs = files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as Record<string, JsonValue>);
  const evaluators: Record<string, JsonValue> = {};
  for (const d of docs)
    Object.assign(evaluators, (d.$evaluators ?? {}) as Record<string, JsonValue>);
  const flags = new Map<string, TestFlag>();
  for (const d of docs) {
    for (const [key, flag] of Object.entries(d.flags as unknown as Record<string, TestFlag>)) {
      const targeting =
        flag.targeting === undefined ? undefined : resolveRefs(flag.targeting, evaluators);
      flags.set(key, { ...flag, ...(targeting !== undefined ? { targeting } : {}) });
    }
  }
  return flags;
}

/** The evaluation glue, reduced to what these tests need (the real one lives in the model). */
export function resolveFlag(
  flagKey: string,
  flag: TestFlag,
  fallback: JsonValue,
  context: EvaluationContext,
): { value: JsonValue; reason: string; errorCode?: string } {
  const dv = flag.defaultVariant ?? undefined;
  const byDefault = (reason: string) =>
    dv !== undefined && dv !== ''
      ? { value: flag.variants[dv] as JsonValue, reason }
      : { value: fallback, reason };
  const t = flag.targeting;
  if (t === undefined || (t !== null && typeof t === 'object' && Object.keys(t).length === 0))
    return byDefault('STATIC');
  const r = compile(t, flagKey);
  if (!r.ok) return { value: fallback, reason: 'ERROR', errorCode: 'PARSE_ERROR' };
  const result = r.rule.evaluate(scope(context, flagKey, undefined, Math.floor(Date.now() / 1000)));
  if (result === null || result === undefined) return byDefault('DEFAULT');
  const name = String(result);
  if (!Object.hasOwn(flag.variants, name))
    return { value: fallback, reason: 'ERROR', errorCode: 'GENERAL' };
  return { value: flag.variants[name] as JsonValue, reason: 'TARGETING_MATCH' };
}

// --- gherkin ------------------------------------------------------------------------------

export interface GherkinCase {
  readonly name: string;
  readonly tags: readonly string[];
  readonly flagKey: string;
  readonly fallback: string;
  readonly context: EvaluationContext;
  readonly expectedValue: string | undefined;
  readonly expectedReason: string | undefined;
  readonly expectedErrorCode: string | undefined;
}

function typed(type: string, value: string): string | number | boolean {
  if (type === 'Integer') return Number.parseInt(value, 10);
  if (type === 'Float') return Number.parseFloat(value);
  if (type === 'Boolean') return value === 'true';
  return value;
}

function cells(line: string): string[] {
  return line
    .trim()
    .slice(1, -1)
    .split('|')
    .map((c) => c.trim());
}

/** Expands the scenarios (and outline examples) of one feature file into evaluation cases. */
export function readFeature(file: string): GherkinCase[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const out: GherkinCase[] = [];
  let featureTags: string[] = [];
  let pendingTags: string[] = [];
  let scenario: { name: string; tags: string[]; steps: string[] } | undefined;
  let examples: { tags: string[]; header: string[] | undefined } | undefined;
  const emit = (row: Record<string, string>, tags: string[]) => {
    if (scenario === undefined) return;
    const sub = (s: string) => s.replace(/<([^>]+)>/g, (_, k: string) => row[k] ?? '');
    let flagKey = '';
    let fallback = '';
    const context: EvaluationContext = {};
    let expectedValue: string | undefined;
    let expectedReason: string | undefined;
    let expectedErrorCode: string | undefined;
    for (const raw of scenario.steps) {
      const step = sub(raw);
      let m = /a \w+-flag with key "([^"]*)" and a (?:fallback|default) value "([^"]*)"/.exec(step);
      if (m) {
        flagKey = m[1] as string;
        fallback = m[2] as string;
      }
      m =
        /a nested property with outer key "([^"]*)" and inner key "([^"]*)", with value "([^"]*)"/.exec(
          step,
        );
      if (m) context[m[1] as string] = { [m[2] as string]: m[3] as string };
      m = /a targeting key with value "([^"]*)"/.exec(step);
      if (m) context.targetingKey = m[1] as string;
      m = /a key "([^"]*)", with type "([^"]*)" and with value "([^"]*)"/.exec(step);
      if (m) context[m[1] as string] = typed(m[2] as string, m[3] as string);
      m = /the resolved details value should be "([^"]*)"/.exec(step);
      if (m) expectedValue = m[1];
      m = /the reason should be "([^"]*)"/.exec(step);
      if (m) expectedReason = m[1];
      m = /the error-code should be "([^"]*)"/.exec(step);
      if (m) expectedErrorCode = m[1];
    }
    const label = Object.values(row).join(', ');
    out.push({
      name: `${path.basename(file)}: ${scenario.name}${label ? ` [${label}]` : ''}`,
      tags: [...featureTags, ...scenario.tags, ...tags],
      flagKey,
      fallback,
      context,
      expectedValue,
      expectedReason,
      expectedErrorCode,
    });
  };
  const closeScenario = () => {
    if (scenario !== undefined && examples === undefined && !scenario.name.startsWith('outline:'))
      emit({}, []);
  };
  for (const rawLine of lines) {
    const line = rawLine.trim();
    if (line.startsWith('#') || line === '') continue;
    if (line.startsWith('@')) {
      pendingTags.push(...line.split(/\s+/).filter((t) => t.startsWith('@')));
    } else if (line.startsWith('Feature:')) {
      featureTags = pendingTags;
      pendingTags = [];
    } else if (line.startsWith('Scenario Outline:') || line.startsWith('Scenario:')) {
      closeScenario();
      const outline = line.startsWith('Scenario Outline:');
      const name = line.slice(line.indexOf(':') + 1).trim();
      scenario = { name: outline ? `outline:${name}` : name, tags: pendingTags, steps: [] };
      pendingTags = [];
      examples = undefined;
    } else if (line.startsWith('Background:')) {
      scenario = undefined;
    } else if (line.startsWith('Examples')) {
      examples = { tags: pendingTags, header: undefined };
      pendingTags = [];
    } else if (line.startsWith('|') && examples !== undefined && scenario !== undefined) {
      const row = cells(line);
      if (examples.header === undefined) examples.header = row;
      else {
        const header = examples.header;
        emit(Object.fromEntries(header.map((h, i) => [h, row[i] ?? ''])), examples.tags);
      }
    } else if (scenario !== undefined && examples === undefined) {
      scenario.steps.push(line);
    }
  }
  closeScenario();
  return out.map((c) => ({ ...c, name: c.name.replace('outline:', '') }));
}

export function featureFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.feature'))
    .map((f) => path.join(dir, f));
}
