// TEMPORARY stand-in for @switchyard/core's parseFlags/formatDiagnostic (see engine.ts).
// It implements only what flagd itself rejects (unparseable text, `flags` missing or not a map
// or array, `$evaluators` not an object, a defaultVariant that is not a variant), inlines
// `$ref`s, merges set metadata and keeps flags with unusable targeting (targetingErrors:
// 'isolate'). Delete this file when core lands.
import { createHash } from 'node:crypto';
import { parse as parseYaml, parseDocument } from 'yaml';
import type {
  Diagnostic,
  FlagConfiguration,
  FlagDefinition,
  FlagMetadata,
  JsonValue,
} from '@switchyard/core';

type JsonMap = { [key: string]: JsonValue };

export interface ParseOptions {
  source?: string;
  format?: 'json' | 'yaml' | 'auto';
  mode?: 'strict' | 'isolating';
  targetingErrors?: 'reject' | 'isolate';
}
export interface ParseResult {
  ok: boolean;
  configuration?: FlagConfiguration;
  diagnostics: Diagnostic[];
}

const isMap = (v: unknown): v is JsonMap =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function formatDiagnostic(d: Diagnostic): string {
  const where = [d.file ?? '<input>', d.line, d.column].filter((x) => x !== undefined).join(':');
  return `${where}: ${d.severity} ${d.code}${d.path ? ` ${d.path}` : ''}: ${d.message}`;
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  }
  return { line, column: offset - last };
}

function located(
  text: string | undefined,
  path: (string | number)[],
): { line?: number; column?: number } {
  if (text === undefined) return {};
  try {
    const node = parseDocument(text).getIn(path, true) as { range?: [number, number] } | undefined;
    return node?.range ? lineColumn(text, node.range[0]) : {};
  } catch {
    return {};
  }
}

function isYaml(options: ParseOptions): boolean {
  if (options.format === 'yaml') return true;
  if (options.format === 'json') return false;
  return /\.ya?ml$/i.test(options.source ?? '');
}

function readText(
  text: string,
  options: ParseOptions,
  file: string | undefined,
): JsonValue | Diagnostic {
  const base = { severity: 'error' as const, code: 'SYNTAX', path: '', ...(file ? { file } : {}) };
  if (text.trim() === '') return { ...base, message: 'the document is empty' };
  if (isYaml(options)) {
    const doc = parseDocument(text, { uniqueKeys: false });
    const err = doc.errors[0];
    if (err) {
      const pos = err.linePos?.[0];
      return {
        ...base,
        message: err.message.split('\n')[0] ?? err.message,
        ...(pos ? { line: pos.line, column: pos.col } : {}),
      };
    }
    return parseYaml(text) as JsonValue;
  }
  try {
    return JSON.parse(text) as JsonValue;
  } catch (error) {
    const message = (error as Error).message;
    const at = /position (\d+)/.exec(message);
    const offset = at ? Number(at[1]) : text.length;
    return { ...base, message, ...lineColumn(text, offset) };
  }
}

function stable(value: JsonValue | undefined): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (isMap(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable(value[k])}`)
      .join(',')}}`;
  }
  return value === undefined ? 'null' : JSON.stringify(value);
}

function inline(rule: JsonValue, evaluators: JsonMap, missing: string[]): JsonValue {
  if (Array.isArray(rule)) return rule.map((r) => inline(r, evaluators, missing));
  if (!isMap(rule)) return rule;
  const keys = Object.keys(rule);
  if (keys.length === 1 && keys[0] === '$ref' && typeof rule.$ref === 'string') {
    const target = evaluators[rule.$ref];
    if (target === undefined) missing.push(rule.$ref);
    else return target;
    return rule;
  }
  const out: JsonMap = {};
  for (const k of keys) out[k] = inline(rule[k] as JsonValue, evaluators, missing);
  return out;
}

function metadataOf(value: JsonValue | undefined): FlagMetadata {
  const out: Record<string, string | number | boolean> = {};
  if (isMap(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
    }
  }
  return out;
}

export function parseFlags(input: string | JsonValue, options: ParseOptions = {}): ParseResult {
  const file = options.source;
  const text = typeof input === 'string' ? input : undefined;
  const doc = typeof input === 'string' ? readText(input, options, file) : input;
  const fileField = file ? { file } : {};
  if (isMap(doc) && 'severity' in doc && 'code' in doc && typeof doc.message === 'string') {
    return { ok: false, diagnostics: [doc as unknown as Diagnostic] };
  }
  const diagnostics: Diagnostic[] = [];
  const fail = (
    code: string,
    path: (string | number)[],
    message: string,
    flagKey?: string,
  ): ParseResult => {
    diagnostics.push({
      severity: 'error',
      code,
      message,
      path: path.join('.'),
      ...fileField,
      ...(flagKey ? { flagKey } : {}),
      ...located(text, path),
    });
    return { ok: false, diagnostics };
  };
  if (!isMap(doc)) return fail('NOT_AN_OBJECT', [], 'the document must be an object');
  const evaluators = doc.$evaluators ?? {};
  if (!isMap(evaluators))
    return fail('EVALUATORS_NOT_OBJECT', ['$evaluators'], '$evaluators must be an object');
  const rawFlags = doc.flags;
  const entries: [string, JsonValue, (string | number)[]][] = [];
  if (isMap(rawFlags))
    for (const [k, v] of Object.entries(rawFlags)) entries.push([k, v, ['flags', k]]);
  else if (Array.isArray(rawFlags)) {
    rawFlags.forEach((v, i) => {
      entries.push([isMap(v) && typeof v.key === 'string' ? v.key : '', v, ['flags', i]]);
    });
  } else return fail('FLAGS_MISSING', ['flags'], '`flags` must be an object or an array');
  const setMetadata = metadataOf(doc.metadata);
  const flags: FlagDefinition[] = [];
  for (const [key, raw, path] of entries) {
    if (!isMap(raw)) return fail('FLAG_NOT_OBJECT', path, 'a flag must be an object', key);
    const variants = raw.variants;
    if (!isMap(variants))
      return fail('VARIANTS_MISSING', [...path, 'variants'], '`variants` must be an object', key);
    const dv = raw.defaultVariant;
    const defaultVariant = typeof dv === 'string' && dv !== '' ? dv : undefined;
    if (defaultVariant !== undefined && !(defaultVariant in variants)) {
      return fail(
        'DEFAULT_VARIANT_UNKNOWN',
        [...path, 'defaultVariant'],
        `defaultVariant "${defaultVariant}" is not one of the variants (${Object.keys(variants).join(', ')})`,
        key,
      );
    }
    const missing: string[] = [];
    const rawTargeting = raw.targeting;
    const targeting =
      rawTargeting === undefined ||
      rawTargeting === null ||
      (isMap(rawTargeting) && Object.keys(rawTargeting).length === 0)
        ? undefined
        : inline(rawTargeting, evaluators, missing);
    const metadata = { ...setMetadata, ...metadataOf(raw.metadata) };
    const flagSetId = typeof metadata.flagSetId === 'string' ? metadata.flagSetId : undefined;
    const state = raw.state === 'DISABLED' ? 'DISABLED' : 'ENABLED';
    const contentHash = createHash('sha1')
      .update(
        stable({
          key,
          state,
          variants,
          defaultVariant: defaultVariant ?? null,
          targeting: targeting ?? null,
          metadata: metadata as JsonMap,
        }),
      )
      .digest('hex');
    const error: Diagnostic | undefined = missing.length
      ? {
          severity: 'error',
          code: 'UNKNOWN_REF',
          message: `unknown $ref "${missing[0]}"`,
          path: [...path, 'targeting'].join('.'),
          flagKey: key,
          ...fileField,
        }
      : undefined;
    flags.push({
      key,
      state,
      variants,
      defaultVariant,
      targeting,
      metadata,
      flagSetId,
      contentHash,
      ...(error ? { error } : {}),
    });
  }
  return {
    ok: true,
    configuration: { flags, metadata: setMetadata, ...(file ? { source: file } : {}) },
    diagnostics,
  };
}
