// Compiles a JSONLogic targeting rule once into plain closures (no eval / new Function, so it
// runs where code generation is disabled). Two builds share the operator builders:
// - the evaluate build folds literals and picks specialised closures;
// - the explain build (made lazily, on the first explain call) wraps every operator so it
//   records a TraceNode. The evaluate build never checks a tracing flag.
import type { Diagnostic, JsonValue } from '../types.js';
import { type Arg, type BuildContext, isLiteral, ROOT_PATH, RulePath } from './build.js';
import { BudgetExceeded } from './budget.js';
import { checkRuleLimits } from './limits.js';
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
import { RuleFailure } from './types.js';
import { choiceOf, varRead } from './ops-logic.js';
import { type Fn, truthy, type VarRead } from './values.js';

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
 * A compiled node. Literal operands get their closure only when a builder asks for it (most
 * builders read `value` instead), and the printed path is computed only when read.
 */
class Node implements Arg {
  /** Set on `var` nodes whose path and default are literals (evaluate build only). */
  read: VarRead | undefined = undefined;

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
  const node = new Node(
    tracer === undefined ? fn : tracer.node(op, at.toString(), fn),
    false,
    undefined,
    raw,
    at,
  );
  if (op === 'var') node.read = varRead(args, ctx, fn);
  return node;
}

function toDiagnostic(
  {
    severity,
    code,
    relPath,
    message,
  }: Pick<Diagnostic, 'severity' | 'code' | 'message'> & {
    relPath: string;
  },
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
  private readonly maxSteps: number;
  /** When the rule is an `if` between two literals (see choiceOf): its test and outcomes. */
  private readonly test: Fn | undefined;
  private readonly whenTrue: unknown;
  private readonly whenFalse: unknown;

  constructor(
    private readonly root: Fn,
    private readonly rule: JsonValue,
    private readonly limits: Limits,
  ) {
    this.maxSteps = limits.maxSteps;
    const choice = choiceOf(root);
    this.test = choice?.test;
    this.whenTrue = choice?.whenTrue;
    this.whenFalse = choice?.whenFalse;
  }

  /** Never throws: over the budget gives a RuleFailure, anything else unexpected null. */
  evaluate(scope: TargetingScope): unknown {
    scope.steps = this.maxSteps;
    try {
      const test = this.test;
      const r =
        test === undefined
          ? this.root(scope, scope)
          : truthy(test(scope, scope))
            ? this.whenTrue
            : this.whenFalse;
      return r === undefined ? null : r;
    } catch (e) {
      return e instanceof BudgetExceeded ? new RuleFailure(e.message) : null;
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
        limits: this.limits,
      }).fn;
      this.tracer = tracer;
      this.traced = traced;
    }
    tracer.reset();
    scope.steps = this.limits.maxSteps;
    let value: unknown = null;
    let error: string | undefined;
    try {
      value = traced(scope, scope) ?? null;
    } catch (e) {
      error = e instanceof BudgetExceeded || e instanceof Error ? e.message : String(e);
      if (e instanceof BudgetExceeded) value = new RuleFailure(e.message);
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
    error: toDiagnostic(
      { severity: 'error', code: e.code, relPath: e.relPath, message: e.message },
      options,
    ),
    warnings,
  });
  const refused = checkRuleLimits(rule, options.limits);
  if (refused !== undefined)
    return fail(new CompileFailure(refused.code, refused.relPath, refused.message));

  let root: Fn;
  try {
    root = compileNode(rule, RulePath.root(), {
      specialise: true,
      tracer: undefined,
      warn: (code, path, message) =>
        warnings.push(
          toDiagnostic({ severity: 'warning', code, relPath: String(path), message }, options),
        ),
      limits: options.limits,
    }).fn;
  } catch (e) {
    // The limits keep recursion far inside the stack; anything else here is a compiler bug,
    // reported for this flag instead of escaping.
    if (e instanceof CompileFailure) return fail(e);
    return fail(new CompileFailure('COMPILE_FAILED', ROOT, String(e)));
  }
  return { ok: true, rule: new CompiledRule(root, rule, options.limits), warnings };
};
