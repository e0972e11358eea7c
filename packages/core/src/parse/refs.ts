// `$ref` resolution on the parsed tree. flagd replaces the text `{"$ref":"name"}` in the
// key-sorted JSON; doing it on the tree gives the same result for every flagd-valid document and
// never depends on whitespace. The walk also enforces the rule limits (depth, node count), so
// no later recursion over a rule can overflow the stack.
import { hasOwn, isJsonObject, setOwn } from '../internal/own.js';
import type { PathSegment } from '../internal/paths.js';
import { depthLimit } from '../targeting/limits.js';
import type { Limits } from '../targeting/types.js';
import type { JsonObject, JsonValue } from '../types.js';

export interface RuleProblem {
  readonly code: 'REF_UNKNOWN' | 'REF_CYCLE' | 'RULE_TOO_DEEP' | 'RULE_TOO_LARGE';
  readonly message: string;
  /** Relative to the rule being resolved. */
  readonly path: readonly PathSegment[];
}

interface Resolved {
  readonly value: JsonValue;
  /** Object nesting (operator levels) and container nesting of the value. */
  readonly depth: number;
  readonly containers: number;
  readonly nodes: number;
}

class Stop {
  constructor(readonly problem: RuleProblem) {}
}

/** `{"$ref": "name"}` and nothing else, as flagd's textual replacement matches it. */
export function refName(node: JsonValue): string | undefined {
  if (!isJsonObject(node) || !hasOwn(node, '$ref')) return undefined;
  const name = node.$ref;
  return typeof name === 'string' && Object.keys(node).length === 1 ? name : undefined;
}

export class RefResolver {
  private readonly memo = new Map<string, Resolved | 'visiting'>();
  /**
   * Measures of the value the last `walk` returned. Returned through fields rather than an
   * object per node: every rule of a configuration is walked, and most nodes are leaves.
   */
  private outDepth = 0;
  private outContainers = 0;
  private outNodes = 0;
  /** Nodes counted so far in the current budget (one rule, or one evaluator). */
  private budget = 0;

  private readonly maxDepth: number;
  private readonly maxNodes: number;

  constructor(
    private readonly evaluators: JsonObject | undefined,
    limits: Pick<Limits, 'maxDepth' | 'maxRuleNodes'>,
  ) {
    this.maxDepth = depthLimit(limits);
    this.maxNodes = limits.maxRuleNodes;
  }

  resolve(rule: JsonValue): { rule: JsonValue; nodes: number } | { problem: RuleProblem } {
    this.budget = 0;
    try {
      const value = this.walk(rule, [], 0, 0);
      return { rule: value, nodes: this.outNodes };
    } catch (error) {
      if (error instanceof Stop) return { problem: error.problem };
      throw error;
    }
  }

  private check(depth: number, containers: number, path: PathSegment[]): void {
    if (depth > this.maxDepth || containers > this.maxDepth * 2 + 2) {
      throw new Stop({
        code: 'RULE_TOO_DEEP',
        message: `targeting is nested deeper than the limit of ${this.maxDepth} levels`,
        path: [...path],
      });
    }
    if (this.budget > this.maxNodes) {
      throw new Stop({
        code: 'RULE_TOO_LARGE',
        message: `targeting has more than the limit of ${this.maxNodes} nodes`,
        path: [],
      });
    }
  }

  /** Resolves `node`; its measures are left in outDepth, outContainers and outNodes. */
  private walk(node: JsonValue, path: PathSegment[], depth: number, containers: number): JsonValue {
    this.budget++;
    this.check(depth, containers, path);
    if (node === null || typeof node !== 'object') {
      this.outDepth = 0;
      this.outContainers = 0;
      this.outNodes = 1;
      return node;
    }
    const name = refName(node);
    if (name !== undefined) {
      const target = this.evaluator(name, path);
      this.budget += target.nodes - 1;
      this.check(depth + target.depth, containers + target.containers, path);
      this.outDepth = target.depth;
      this.outContainers = target.containers;
      this.outNodes = target.nodes;
      return target.value;
    }
    const start = this.budget;
    let maxDepth = 0;
    let maxContainers = 0;
    if (Array.isArray(node)) {
      let copy: JsonValue[] | undefined;
      for (let i = 0; i < node.length; i++) {
        path.push(i);
        const value = this.walk(node[i] as JsonValue, path, depth, containers + 1);
        path.pop();
        if (this.outDepth > maxDepth) maxDepth = this.outDepth;
        if (this.outContainers > maxContainers) maxContainers = this.outContainers;
        if (value !== node[i] && copy === undefined) copy = node.slice(0, i);
        if (copy !== undefined) copy.push(value);
      }
      this.outDepth = maxDepth;
      this.outContainers = maxContainers + 1;
      this.outNodes = this.budget - start + 1;
      return copy ?? node;
    }
    let copy: JsonObject | undefined;
    const keys = Object.keys(node);
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k] as string;
      path.push(key);
      const value = this.walk(node[key] as JsonValue, path, depth + 1, containers + 1);
      path.pop();
      if (this.outDepth > maxDepth) maxDepth = this.outDepth;
      if (this.outContainers > maxContainers) maxContainers = this.outContainers;
      if (value !== node[key] && copy === undefined) {
        copy = {};
        for (let j = 0; j < k; j++)
          setOwn(copy, keys[j] as string, node[keys[j] as string] as JsonValue);
      }
      if (copy !== undefined) setOwn(copy, key, value);
    }
    this.outDepth = maxDepth + 1;
    this.outContainers = maxContainers + 1;
    this.outNodes = this.budget - start + 1;
    return copy ?? node;
  }

  private evaluator(name: string, path: PathSegment[]): Resolved {
    const known = this.memo.get(name);
    if (known === 'visiting') {
      throw new Stop({
        code: 'REF_CYCLE',
        message: `$ref "${name}" refers to itself`,
        path: [...path],
      });
    }
    if (known !== undefined) return known;
    if (this.evaluators === undefined || !hasOwn(this.evaluators, name)) {
      throw new Stop({
        code: 'REF_UNKNOWN',
        message: `$ref "${name}" names no evaluator in $evaluators`,
        path: [...path],
      });
    }
    this.memo.set(name, 'visiting');
    // Nested $refs are resolved too (flagd leaves them to chance); the evaluator is measured
    // on its own budget, and its cost is added to every rule that uses it.
    const outer = this.budget;
    this.budget = 0;
    try {
      const value = this.walk(this.evaluators[name] as JsonValue, [...path], 0, 0);
      const resolved: Resolved = {
        value,
        depth: this.outDepth,
        containers: this.outContainers,
        nodes: this.outNodes,
      };
      this.memo.set(name, resolved);
      return resolved;
    } catch (error) {
      this.memo.delete(name);
      throw error;
    } finally {
      this.budget = outer;
    }
  }
}
