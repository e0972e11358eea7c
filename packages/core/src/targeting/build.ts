// Shared compile-time shapes for operator builders.
import type { JsonValue } from '../types.js';
import type { Tracer } from './trace.js';
import type { Limits } from './types.js';
import type { Fn, VarRead } from './values.js';

/**
 * Where a node sits in the rule, printed (`targeting.if[0].and[1]`) only when something needs
 * the text: a warning or an explain trace. Most rules never do, and building every node's path
 * string eagerly was a large share of compiling a 10,000-flag configuration.
 */
export class RulePath {
  private text: string | undefined;

  /**
   * `op` + `index` ≥ 0: operand `index` of operator `op` (`.op[i]`); `op` + -1: the single
   * operand of `op` (`.op`); no `op`: item `index` of a literal array (`[i]`).
   */
  constructor(
    private readonly parent: RulePath | undefined,
    private readonly op: string | undefined,
    private readonly index: number,
  ) {}

  /** The rule itself: `targeting`. */
  static root(): RulePath {
    return new RulePath(undefined, undefined, -1);
  }

  toString(): string {
    if (this.text !== undefined) return this.text;
    if (this.parent === undefined) return ROOT_PATH;
    const base = this.parent.toString();
    const op = this.op;
    this.text =
      op === undefined
        ? `${base}[${this.index}]`
        : this.index < 0
          ? `${base}.${op}`
          : `${base}.${op}[${this.index}]`;
    return this.text;
  }
}

/** Root of relative paths (trace paths and the suffix of diagnostic paths). */
export const ROOT_PATH = 'targeting';

/** One compiled operand. */
export interface Arg {
  readonly fn: Fn;
  /** True when the operand is a literal known at compile time (only in the evaluate build). */
  readonly isConst: boolean;
  /** The literal value when `isConst`. */
  readonly value: unknown;
  /** The operand as written in the rule (for compile-time checks). */
  readonly raw: JsonValue;
  /** Relative JSON path of the operand, e.g. `targeting.if[0]` (computed on first read). */
  readonly path: string;
  /** The same path, unprinted. */
  readonly at: RulePath;
  /** When the operand is a `var` with a literal path and default (evaluate build only). */
  readonly read: VarRead | undefined;
}

export interface BuildContext {
  /**
   * True for the evaluate build: builders may fold literals and pick specialised closures.
   * False for the explain build: every operand is called so the trace sees it.
   */
  readonly specialise: boolean;
  /** Present in the explain build only. */
  readonly tracer: Tracer | undefined;
  /** Records an operator-argument problem (a warning; flagd returns null at run time). */
  warn(code: string, path: string | RulePath, message: string): void;
  /** The limits the rule was compiled with (the evaluation budget's sizes among them). */
  readonly limits: Limits;
}

/** Builds the closure of one operator (at `path`) from its compiled operands. */
export type OperatorBuilder = (args: readonly Arg[], ctx: BuildContext, path: RulePath) => Fn;

/** Evaluates every operand into a fresh array (variadic operators only). */
export function evalAll(args: readonly Arg[], scope: Parameters<Fn>[0], local: unknown): unknown[] {
  const out = new Array<unknown>(args.length);
  for (let i = 0; i < args.length; i++) out[i] = (args[i] as Arg).fn(scope, local);
  return out;
}

/** Returns null for a missing operand (evaluates to null, like JSONLogic's `undefined`). */
export const NULL_FN: Fn = () => null;

export function fnAt(args: readonly Arg[], i: number): Fn {
  const a = args[i];
  return a === undefined ? NULL_FN : a.fn;
}

/** An operation object: a plain object with exactly one key (anything else is literal data). */
export function isOperation(raw: unknown): raw is Readonly<Record<string, JsonValue>> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return false;
  let n = 0;
  for (const key in raw) if (Object.hasOwn(raw, key) && ++n > 1) return false;
  return n === 1;
}

/** True for a value written literally in the rule (no operation anywhere inside). */
export function isLiteral(raw: unknown): boolean {
  if (Array.isArray(raw)) return raw.every(isLiteral);
  return !isOperation(raw);
}
