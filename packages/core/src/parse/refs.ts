// `$ref` resolution on the parsed tree. flagd replaces the text `{"$ref":"name"}` in the
// key-sorted JSON; doing it on the tree gives the same result for every flagd-valid document and
// never depends on whitespace. The walk also enforces the rule limits (depth, node count), so
// no later recursion over a rule can overflow the stack.
import { hasOwn, isJsonObject, setOwn } from '../internal/own.js';
import type { PathSegment } from '../internal/paths.js';
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

  constructor(
    private readonly evaluators: JsonObject | undefined,
    private readonly maxDepth: number,
    private readonly maxNodes: number,
  ) {}

  resolve(rule: JsonValue): { rule: JsonValue; nodes: number } | { problem: RuleProblem } {
    try {
      const r = this.walk(rule, []);
      return { rule: r.value, nodes: r.nodes };
    } catch (error) {
      if (error instanceof Stop) return { problem: error.problem };
      throw error;
    }
  }

  private check(r: { depth: number; containers: number; nodes: number }, path: PathSegment[]) {
    if (r.depth > this.maxDepth || r.containers > this.maxDepth * 2 + 2) {
      throw new Stop({
        code: 'RULE_TOO_DEEP',
        message: `targeting is nested deeper than the limit of ${this.maxDepth} levels`,
        path,
      });
    }
    if (r.nodes > this.maxNodes) {
      throw new Stop({
        code: 'RULE_TOO_LARGE',
        message: `targeting has more than the limit of ${this.maxNodes} nodes`,
        path: [],
      });
    }
  }

  private walk(
    node: JsonValue,
    path: PathSegment[],
    depth = 0,
    containers = 0,
    budget = { nodes: 0 },
  ): Resolved {
    budget.nodes++;
    this.check({ depth, containers, nodes: budget.nodes }, path);
    if (node === null || typeof node !== 'object')
      return { value: node, depth: 0, containers: 0, nodes: 1 };
    const name = refName(node);
    if (name !== undefined) {
      const target = this.evaluator(name, path);
      budget.nodes += target.nodes - 1;
      this.check(
        {
          depth: depth + target.depth,
          containers: containers + target.containers,
          nodes: budget.nodes,
        },
        path,
      );
      return target;
    }
    const start = budget.nodes;
    let maxDepth = 0;
    let maxContainers = 0;
    if (Array.isArray(node)) {
      let copy: JsonValue[] | undefined;
      for (let i = 0; i < node.length; i++) {
        path.push(i);
        const r = this.walk(node[i] as JsonValue, path, depth, containers + 1, budget);
        path.pop();
        if (r.depth > maxDepth) maxDepth = r.depth;
        if (r.containers > maxContainers) maxContainers = r.containers;
        if (r.value !== node[i] && copy === undefined) copy = node.slice(0, i);
        if (copy !== undefined) copy.push(r.value);
      }
      return {
        value: copy ?? node,
        depth: maxDepth,
        containers: maxContainers + 1,
        nodes: budget.nodes - start + 1,
      };
    }
    let copy: JsonObject | undefined;
    const keys = Object.keys(node);
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k] as string;
      path.push(key);
      const r = this.walk(node[key] as JsonValue, path, depth + 1, containers + 1, budget);
      path.pop();
      if (r.depth > maxDepth) maxDepth = r.depth;
      if (r.containers > maxContainers) maxContainers = r.containers;
      if (r.value !== node[key] && copy === undefined) {
        copy = {};
        for (let j = 0; j < k; j++)
          setOwn(copy, keys[j] as string, node[keys[j] as string] as JsonValue);
      }
      if (copy !== undefined) setOwn(copy, key, r.value);
    }
    return {
      value: copy ?? node,
      depth: maxDepth + 1,
      containers: maxContainers + 1,
      nodes: budget.nodes - start + 1,
    };
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
    try {
      const resolved = this.walk(this.evaluators[name] as JsonValue, [...path], 0, 0, { nodes: 0 });
      this.memo.set(name, resolved);
      return resolved;
    } catch (error) {
      this.memo.delete(name);
      throw error;
    }
  }
}
