// Explain support. The explain build wraps every operator closure so it records a TraceNode;
// the evaluate build never references any of this, so tracing costs nothing when off.
import type { TraceNode } from './types.js';
import type { Fn } from './values.js';

interface Frame {
  readonly args: unknown[];
  readonly children: TraceNode[];
  detail: Record<string, unknown> | undefined;
}

/** Mutable recording state of one compiled explain tree (evaluation is synchronous). */
export class Tracer {
  private top: Frame | undefined;
  private root: TraceNode | undefined;

  /** Starts a fresh recording. */
  reset(): void {
    this.top = undefined;
    this.root = undefined;
  }

  /** The recorded root node, if any. */
  result(): TraceNode | undefined {
    return this.root;
  }

  /** Operator-specific facts for the node currently being evaluated. */
  detail(detail: Record<string, unknown>): void {
    if (this.top !== undefined) this.top.detail = detail;
  }

  /** A literal operand: recorded as an argument of its operator, or as the root node. */
  literal(value: unknown, path: string): Fn {
    return () => {
      const t = this.top;
      if (t !== undefined) t.args.push(value);
      else this.root = { op: 'literal', path, result: value };
      return value;
    };
  }

  /** Wraps an operator (or non-literal array) closure so each call records a node. */
  node(op: string, path: string, fn: Fn): Fn {
    return (scope, local) => {
      const parent = this.top;
      const frame: Frame = { args: [], children: [], detail: undefined };
      this.top = frame;
      let result: unknown = null;
      try {
        result = fn(scope, local);
        if (result === undefined) result = null;
      } finally {
        this.top = parent;
        const node: TraceNode = {
          op,
          path,
          args: frame.args,
          result,
          ...(frame.children.length > 0 ? { children: frame.children } : {}),
          ...(frame.detail !== undefined ? { detail: frame.detail } : {}),
        };
        if (parent !== undefined) {
          parent.children.push(node);
          parent.args.push(result);
        } else {
          this.root = node;
        }
      }
      return result;
    };
  }
}
