// Compiles a JSONLogic targeting rule once into plain closures (no eval / new Function, so it
// runs where code generation is disabled). Two builds share the operator builders:
// - the evaluate build folds literals and picks specialised closures;
// - the explain build (made lazily, on the first explain call) wraps every operator so it
//   records a TraceNode. The evaluate build never checks a tracing flag.
import type { Diagnostic, JsonValue } from '../types.js';
import { type Arg, type BuildContext, isLiteral } from './build.js';
import { OPERATORS } from './operators.js';
import { Tracer } from './trace.js';
import type {
  CompileOptions,
  CompileResult,
  CompileTargeting,
  CompiledTargeting,
  Limits,
  TraceNode,
} from './types.js';
import { type Fn, TOP } from './values.js';

/** Root of relative paths (trace paths and the suffix of diagnostic paths). */
const ROOT = 'targeting';

class CompileFailure extends Error {
  constructor(
    readonly code: string,
    readonly relPath: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Checks depth and size without recursion, before anything recurses over the rule. Depth counts
 * nested operations and literal arrays; an operation's own operand list is not an extra level,
 * so `{"!": {"!": ...}}` and `{"and": [{"and": [...]}]}` both count one level per operation.
 */
function checkLimits(rule: JsonValue, limits: Limits): CompileFailure | undefined {
  const stack: { v: JsonValue; depth: number; path: string }[] = [
    { v: rule, depth: 1, path: ROOT },
  ];
  let nodes = 0;
  while (stack.length > 0) {
    const { v, depth, path } = stack.pop() as { v: JsonValue; depth: number; path: string };
    nodes++;
    if (v === null || typeof v !== 'object') continue;
    if (depth > limits.maxDepth) {
      return new CompileFailure(
        'TARGETING_TOO_DEEP',
        path,
        `targeting is nested deeper than ${limits.maxDepth} levels`,
      );
    }
    const keys = Array.isArray(v) ? null : Object.keys(v);
    if (keys !== null && keys.length === 1) {
      const op = keys[0] as string;
      const operands = (v as Record<string, JsonValue>)[op] as JsonValue;
      if (Array.isArray(operands)) {
        nodes++; // the operand list itself
        if (nodes + stack.length + operands.length > limits.maxRuleNodes) return tooLarge(limits);
        for (let i = operands.length - 1; i >= 0; i--) {
          stack.push({
            v: operands[i] as JsonValue,
            depth: depth + 1,
            path: `${path}.${op}[${i}]`,
          });
        }
      } else {
        stack.push({ v: operands, depth: depth + 1, path: `${path}.${op}` });
      }
    } else if (keys === null) {
      const items = v as JsonValue[];
      if (nodes + stack.length + items.length > limits.maxRuleNodes) return tooLarge(limits);
      for (let i = items.length - 1; i >= 0; i--) {
        stack.push({ v: items[i] as JsonValue, depth: depth + 1, path: `${path}[${i}]` });
      }
    } else {
      const obj = v as Record<string, JsonValue>;
      if (nodes + stack.length + keys.length > limits.maxRuleNodes) return tooLarge(limits);
      for (const key of keys)
        stack.push({ v: obj[key] as JsonValue, depth: depth + 1, path: `${path}.${key}` });
    }
    if (nodes + stack.length > limits.maxRuleNodes) return tooLarge(limits);
  }
  return undefined;
}

function tooLarge(limits: Limits): CompileFailure {
  return new CompileFailure(
    'TARGETING_TOO_LARGE',
    ROOT,
    `targeting has more than ${limits.maxRuleNodes} nodes`,
  );
}

function compileNode(raw: JsonValue, path: string, ctx: BuildContext): Arg {
  const tracer = ctx.tracer;
  if (raw === null || typeof raw !== 'object' || isLiteral(raw)) {
    if (
      raw !== null &&
      typeof raw === 'object' &&
      !Array.isArray(raw) &&
      Object.keys(raw).length > 1
    ) {
      ctx.warn(
        'NOT_AN_OPERATION',
        path,
        'an object with several keys is not an operation; it is used as data',
      );
    }
    const fn: Fn = tracer === undefined ? () => raw : tracer.literal(raw, path);
    return { fn, isConst: ctx.specialise, value: raw, raw, path };
  }
  if (Array.isArray(raw)) {
    const items = raw.map((item, i) => compileNode(item, `${path}[${i}]`, ctx).fn);
    const fn: Fn = (s, l) => items.map((f) => f(s, l) ?? null);
    return {
      fn: tracer === undefined ? fn : tracer.node('array', path, fn),
      isConst: false,
      value: undefined,
      raw,
      path,
    };
  }
  const op = Object.keys(raw)[0] as string;
  if (op === '$ref') {
    throw new CompileFailure(
      'UNRESOLVED_REF',
      path,
      'a $ref reached the targeting compiler unresolved',
    );
  }
  const builder = OPERATORS.get(op);
  if (builder === undefined) {
    throw new CompileFailure(
      'UNKNOWN_OPERATOR',
      `${path}.${op}`,
      `unknown operator ${JSON.stringify(op)}`,
    );
  }
  const operands = raw[op] as JsonValue;
  const args = Array.isArray(operands)
    ? operands.map((item, i) => compileNode(item, `${path}.${op}[${i}]`, ctx))
    : [compileNode(operands, `${path}.${op}`, ctx)];
  const fn = builder(args, ctx, path);
  return {
    fn: tracer === undefined ? fn : tracer.node(op, path, fn),
    isConst: false,
    value: undefined,
    raw,
    path,
  };
}

function toDiagnostic(
  severity: Diagnostic['severity'],
  code: string,
  relPath: string,
  message: string,
  options: CompileOptions,
): Diagnostic {
  return {
    severity,
    code,
    message,
    ...(options.file !== undefined ? { file: options.file } : {}),
    flagKey: options.flagKey,
    path: options.path + relPath.slice(ROOT.length),
  };
}

/** Runs a compiled root; never throws (anything unexpected yields null). */
function guarded(root: Fn): CompiledTargeting['evaluate'] {
  return (scope) => {
    try {
      const r = root(scope, TOP);
      return r === undefined ? null : r;
    } catch {
      return null;
    }
  };
}

export const compileTargeting: CompileTargeting = (rule, options) => {
  const warnings: Diagnostic[] = [];
  const fail = (e: CompileFailure): CompileResult => ({
    ok: false,
    error: toDiagnostic('error', e.code, e.relPath, e.message, options),
    warnings,
  });
  const limitFailure = checkLimits(rule, options.limits);
  if (limitFailure !== undefined) return fail(limitFailure);

  let root: Fn;
  try {
    root = compileNode(rule, ROOT, {
      specialise: true,
      tracer: undefined,
      warn: (code, path, message) =>
        warnings.push(toDiagnostic('warning', code, path, message, options)),
    }).fn;
  } catch (e) {
    if (e instanceof CompileFailure) return fail(e);
    const message =
      e instanceof RangeError ? 'targeting is too deeply nested to compile' : String(e);
    return fail(new CompileFailure('TARGETING_TOO_DEEP', ROOT, message));
  }

  let tracer: Tracer | undefined;
  let traced: Fn | undefined;
  const explain: CompiledTargeting['explain'] = (scope) => {
    if (tracer === undefined || traced === undefined) {
      tracer = new Tracer();
      traced = compileNode(rule, ROOT, { specialise: false, tracer, warn: () => {} }).fn;
    }
    tracer.reset();
    let value: unknown = null;
    let error: string | undefined;
    try {
      value = traced(scope, TOP) ?? null;
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    const recorded = tracer.result();
    const trace: TraceNode =
      recorded === undefined
        ? { op: 'literal', path: ROOT, result: value }
        : error === undefined
          ? recorded
          : { ...recorded, result: null, detail: { ...recorded.detail, error } };
    return { value, trace };
  };

  return { ok: true, rule: { evaluate: guarded(root), explain }, warnings };
};
