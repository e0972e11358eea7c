// Compiles a JSONLogic targeting rule once into plain closures (no eval / new Function, so it
// runs where code generation is disabled). Two builds share the operator builders:
// - the evaluate build folds literals and picks specialised closures;
// - the explain build (made lazily, on the first explain call) wraps every operator so it
//   records a TraceNode. The evaluate build never checks a tracing flag.
import type { Diagnostic, JsonValue } from '../types.js';
import { type Arg, type BuildContext, isLiteral, ROOT_PATH, RulePath } from './build.js';
import { OPERATORS } from './operators.js';
import { Tracer } from './trace.js';
import type {
  CompileOptions,
  CompileResult,
  CompileTargeting,
  CompiledTargeting,
  Limits,
  TargetingScope,
  TraceNode,
} from './types.js';
import { type Fn, TOP } from './values.js';

const ROOT = ROOT_PATH;

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
 *
 * Every rule of a configuration goes through this, so the walk allocates nothing per node
 * (parallel stacks, no path strings); only a failing rule is walked again with paths, to say
 * where it failed.
 */
function checkLimits(rule: JsonValue, limits: Limits): CompileFailure | undefined {
  return walkLimits(rule, limits, undefined) ? undefined : locateLimitFailure(rule, limits);
}

/**
 * The walk of checkLimits. Returns true when the rule is within the limits; with `paths`, a
 * failing walk records the path of the failing node in `paths.failure`.
 */
function walkLimits(
  rule: JsonValue,
  limits: Limits,
  paths: { stack: string[]; failure?: CompileFailure } | undefined,
): boolean {
  const values: JsonValue[] = [rule];
  const depths: number[] = [1];
  paths?.stack.push(ROOT);
  let nodes = 0;
  const tooLarge = (): boolean => {
    if (paths !== undefined) {
      paths.failure = new CompileFailure(
        'TARGETING_TOO_LARGE',
        ROOT,
        `targeting has more than ${limits.maxRuleNodes} nodes`,
      );
    }
    return false;
  };
  while (values.length > 0) {
    const v = values.pop() as JsonValue;
    const depth = depths.pop() as number;
    const path = paths?.stack.pop() ?? '';
    nodes++;
    if (v === null || typeof v !== 'object') continue;
    if (depth > limits.maxDepth) {
      if (paths !== undefined) {
        paths.failure = new CompileFailure(
          'TARGETING_TOO_DEEP',
          path,
          `targeting is nested deeper than ${limits.maxDepth} levels`,
        );
      }
      return false;
    }
    const keys = Array.isArray(v) ? null : Object.keys(v);
    if (keys !== null && keys.length === 1) {
      const op = keys[0] as string;
      const operands = (v as Record<string, JsonValue>)[op] as JsonValue;
      if (Array.isArray(operands)) {
        nodes++; // the operand list itself
        if (nodes + values.length + operands.length > limits.maxRuleNodes) return tooLarge();
        for (let i = operands.length - 1; i >= 0; i--) {
          values.push(operands[i] as JsonValue);
          depths.push(depth + 1);
          paths?.stack.push(`${path}.${op}[${i}]`);
        }
      } else {
        values.push(operands);
        depths.push(depth + 1);
        paths?.stack.push(`${path}.${op}`);
      }
    } else if (keys === null) {
      const items = v as JsonValue[];
      if (nodes + values.length + items.length > limits.maxRuleNodes) return tooLarge();
      for (let i = items.length - 1; i >= 0; i--) {
        values.push(items[i] as JsonValue);
        depths.push(depth + 1);
        paths?.stack.push(`${path}[${i}]`);
      }
    } else {
      const obj = v as Record<string, JsonValue>;
      if (nodes + values.length + keys.length > limits.maxRuleNodes) return tooLarge();
      for (const key of keys) {
        values.push(obj[key] as JsonValue);
        depths.push(depth + 1);
        paths?.stack.push(`${path}.${key}`);
      }
    }
    if (nodes + values.length > limits.maxRuleNodes) return tooLarge();
  }
  return true;
}

function locateLimitFailure(rule: JsonValue, limits: Limits): CompileFailure {
  const paths: { stack: string[]; failure?: CompileFailure } = { stack: [] };
  walkLimits(rule, limits, paths);
  return (
    paths.failure ??
    new CompileFailure('TARGETING_TOO_LARGE', ROOT, `targeting exceeds the rule limits`)
  );
}

/**
 * A compiled node. Literal operands get their closure only when a builder asks for it (most
 * builders read `value` instead), and the printed path is computed only when read.
 */
class Node implements Arg {
  constructor(
    private made: Fn | undefined,
    readonly isConst: boolean,
    readonly value: unknown,
    readonly raw: JsonValue,
    readonly at: RulePath,
  ) {}

  get fn(): Fn {
    if (this.made === undefined) {
      const value = this.value;
      this.made = () => value;
    }
    return this.made;
  }

  get path(): string {
    return this.at.toString();
  }
}

function compileNode(raw: JsonValue, at: RulePath, ctx: BuildContext): Arg {
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
        at,
        'an object with several keys is not an operation; it is used as data',
      );
    }
    const fn = tracer === undefined ? undefined : tracer.literal(raw, at.toString());
    return new Node(fn, ctx.specialise, raw, raw, at);
  }
  if (Array.isArray(raw)) {
    const items = raw.map((item, i) => compileNode(item, new RulePath(at, undefined, i), ctx).fn);
    const fn: Fn = (s, l) => items.map((f) => f(s, l) ?? null);
    return new Node(
      tracer === undefined ? fn : tracer.node('array', at.toString(), fn),
      false,
      undefined,
      raw,
      at,
    );
  }
  const op = Object.keys(raw)[0] as string;
  if (op === '$ref') {
    throw new CompileFailure(
      'UNRESOLVED_REF',
      at.toString(),
      'a $ref reached the targeting compiler unresolved',
    );
  }
  const builder = OPERATORS.get(op);
  if (builder === undefined) {
    throw new CompileFailure(
      'UNKNOWN_OPERATOR',
      `${at}.${op}`,
      `unknown operator ${JSON.stringify(op)}`,
    );
  }
  const operands = raw[op] as JsonValue;
  const args = Array.isArray(operands)
    ? operands.map((item, i) => compileNode(item, new RulePath(at, op, i), ctx))
    : [compileNode(operands, new RulePath(at, op, -1), ctx)];
  const fn = builder(args, ctx, at);
  return new Node(
    tracer === undefined ? fn : tracer.node(op, at.toString(), fn),
    false,
    undefined,
    raw,
    at,
  );
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

/**
 * A compiled rule: the evaluate build, and the explain build made on the first explain call.
 * One object per rule (not a set of closures), since a configuration holds thousands.
 */
class CompiledRule implements CompiledTargeting {
  private tracer: Tracer | undefined;
  private traced: Fn | undefined;

  constructor(
    private readonly root: Fn,
    private readonly rule: JsonValue,
  ) {}

  /** Never throws (anything unexpected yields null). */
  evaluate(scope: TargetingScope): unknown {
    try {
      const r = this.root(scope, TOP);
      return r === undefined ? null : r;
    } catch {
      return null;
    }
  }

  explain(scope: TargetingScope): { readonly value: unknown; readonly trace: TraceNode } {
    let tracer = this.tracer;
    let traced = this.traced;
    if (tracer === undefined || traced === undefined) {
      tracer = new Tracer();
      traced = compileNode(this.rule, RulePath.root(), {
        specialise: false,
        tracer,
        warn: () => {},
      }).fn;
      this.tracer = tracer;
      this.traced = traced;
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
  }
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
    root = compileNode(rule, RulePath.root(), {
      specialise: true,
      tracer: undefined,
      warn: (code, path, message) =>
        warnings.push(toDiagnostic('warning', code, String(path), message, options)),
    }).fn;
  } catch (e) {
    if (e instanceof CompileFailure) return fail(e);
    const message =
      e instanceof RangeError ? 'targeting is too deeply nested to compile' : String(e);
    return fail(new CompileFailure('TARGETING_TOO_DEEP', ROOT, message));
  }
  return { ok: true, rule: new CompiledRule(root, rule), warnings };
};
