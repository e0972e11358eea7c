// TEMPORARY stand-in for @switchyard/core's `parseFlags` (strict mode), used only while core
// does not export it. It checks what flagd rejects plus the schema basics validate needs
// (variants, defaultVariant, state, one value type, `$ref`s, known operators), with positions.
import { createHash } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import type {
  Diagnostic,
  FlagDefinition,
  FlagMetadata,
  JsonValue,
  ParseOptions,
  ParseResult,
} from '../engine-types.js';
import { createLocator, type PathSegment } from '../positions.js';
import { KNOWN_OPERATORS } from './jsonlogic.js';

type JsonMap = { [key: string]: JsonValue };
const isMap = (v: unknown): v is JsonMap =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isMap(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(',')}}`;
  }
  return value === undefined ? 'null' : JSON.stringify(value);
}

function metadataOf(value: JsonValue | undefined): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  if (isMap(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
    }
  }
  return out;
}

function isYaml(text: string, options: ParseOptions): boolean {
  if (options.format === 'yaml') return true;
  if (options.format === 'json') return false;
  const src = (options.source ?? '').toLowerCase();
  if (src.endsWith('.yaml') || src.endsWith('.yml')) return true;
  if (src.endsWith('.json')) return false;
  const first = text.trimStart()[0];
  return first !== '{' && first !== '[';
}

export function fallbackParseFlags(text: string, options: ParseOptions = {}): ParseResult {
  const file = options.source;
  const diagnostics: Diagnostic[] = [];
  const locate = createLocator(text);
  const report = (
    severity: 'error' | 'warning',
    code: string,
    path: PathSegment[],
    message: string,
    flagKey?: string,
  ): void => {
    const pos = locate(path);
    diagnostics.push({
      severity,
      code,
      message,
      path: path.join('.'),
      ...(file === undefined ? {} : { file }),
      ...(flagKey === undefined ? {} : { flagKey }),
      ...(pos === undefined ? {} : { line: pos.line, column: pos.column }),
    });
  };
  let doc: unknown;
  try {
    doc = isYaml(text, options) ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    const message = ((error as Error).message.split('\n')[0] ?? 'syntax error').trim();
    diagnostics.push({
      severity: 'error',
      code: 'SYNTAX',
      message,
      path: '',
      ...(file === undefined ? {} : { file }),
    });
    return { ok: false, diagnostics };
  }
  if (!isMap(doc)) {
    report(
      'error',
      'DOCUMENT_NOT_OBJECT',
      [],
      'a flag configuration must be an object with "flags"',
    );
    return { ok: false, diagnostics };
  }
  const evaluators = doc.$evaluators ?? {};
  if (!isMap(evaluators))
    report('error', 'EVALUATORS_INVALID', ['$evaluators'], '"$evaluators" must be an object');
  const entries: [string, JsonValue, PathSegment[]][] = [];
  if (isMap(doc.flags))
    for (const [k, v] of Object.entries(doc.flags)) entries.push([k, v, ['flags', k]]);
  else if (Array.isArray(doc.flags)) {
    doc.flags.forEach((v, i) => {
      if (isMap(v) && typeof v.key === 'string' && v.key !== '')
        entries.push([v.key, v, ['flags', i]]);
      else
        report(
          'error',
          'FLAG_KEY_MISSING',
          ['flags', i],
          'a flag in the array form needs a non-empty string "key"',
        );
    });
  } else report('error', 'FLAGS_MISSING', ['flags'], '"flags" must be an object or an array');
  const setMetadata: FlagMetadata = metadataOf(doc.metadata);
  const flags: FlagDefinition[] = [];
  for (const [key, raw, path] of entries) {
    if (!isMap(raw)) {
      report('error', 'FLAG_NOT_OBJECT', path, 'a flag must be an object', key);
      continue;
    }
    const variants = raw.variants;
    if (!isMap(variants) || Object.keys(variants).length === 0) {
      report(
        'error',
        'VARIANTS_INVALID',
        [...path, 'variants'],
        '"variants" must be a non-empty object',
        key,
      );
      continue;
    }
    const types = new Set(
      Object.values(variants).map((v) =>
        v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v,
      ),
    );
    if (types.size > 1)
      report(
        'error',
        'VARIANT_TYPES_MIXED',
        [...path, 'variants'],
        `variants mix value types (${[...types].join(', ')})`,
        key,
      );
    if (raw.state !== undefined && raw.state !== 'ENABLED' && raw.state !== 'DISABLED') {
      report(
        'error',
        'STATE_INVALID',
        [...path, 'state'],
        '"state" must be ENABLED or DISABLED',
        key,
      );
    }
    const dv = raw.defaultVariant;
    const defaultVariant = typeof dv === 'string' && dv !== '' ? dv : undefined;
    if (defaultVariant !== undefined && !Object.hasOwn(variants, defaultVariant)) {
      report(
        'error',
        'DEFAULT_VARIANT_UNKNOWN',
        [...path, 'defaultVariant'],
        `defaultVariant "${defaultVariant}" is not one of the variants (${Object.keys(variants).join(', ')})`,
        key,
      );
    }
    const rawTargeting = raw.targeting;
    let targeting: JsonValue | undefined;
    if (
      rawTargeting !== undefined &&
      rawTargeting !== null &&
      !(isMap(rawTargeting) && Object.keys(rawTargeting).length === 0)
    ) {
      targeting = inline(rawTargeting, isMap(evaluators) ? evaluators : {}, (problem) =>
        report('error', problem.code, [...path, 'targeting'], problem.message, key),
      );
    }
    const metadata = { ...setMetadata, ...metadataOf(raw.metadata) };
    const flagSetId = typeof metadata.flagSetId === 'string' ? metadata.flagSetId : undefined;
    const state = raw.state === 'DISABLED' ? 'DISABLED' : 'ENABLED';
    const contentHash = createHash('sha1')
      .update(
        canonical({
          key,
          state,
          variants,
          defaultVariant: defaultVariant ?? null,
          targeting: targeting ?? null,
          metadata,
        }),
      )
      .digest('hex');
    flags.push({
      key,
      state,
      variants,
      defaultVariant,
      targeting,
      metadata,
      flagSetId,
      contentHash,
    });
  }
  const ok = !diagnostics.some((d) => d.severity === 'error');
  if (!ok) return { ok, diagnostics };
  return {
    ok,
    configuration: {
      flags,
      metadata: setMetadata,
      ...(file === undefined ? {} : { source: file }),
    },
    diagnostics,
  };
}

function inline(
  rule: JsonValue,
  evaluators: JsonMap,
  problem: (p: { code: string; message: string }) => void,
  depth = 0,
): JsonValue {
  if (Array.isArray(rule)) return rule.map((r) => inline(r, evaluators, problem, depth));
  if (!isMap(rule)) return rule;
  const keys = Object.keys(rule);
  if (keys.length === 1 && keys[0] === '$ref') {
    const name = rule.$ref;
    const target =
      typeof name === 'string' && Object.hasOwn(evaluators, name) ? evaluators[name] : undefined;
    if (target === undefined || depth > 0) {
      problem({ code: 'UNKNOWN_REF', message: `unknown $ref "${String(name)}"` });
      return rule;
    }
    return inline(target, evaluators, problem, depth + 1);
  }
  if (keys.length === 1 && !KNOWN_OPERATORS.has(keys[0] as string)) {
    problem({ code: 'UNKNOWN_OPERATOR', message: `unknown operator "${keys[0]}"` });
  }
  const out: JsonMap = {};
  for (const k of keys) out[k] = inline(rule[k] as JsonValue, evaluators, problem, depth);
  return out;
}
