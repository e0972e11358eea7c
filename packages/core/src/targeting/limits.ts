// Compile-time limits of a rule: depth and size, checked by an iterative walk before anything
// recurses over the rule (the compiler, the hash, a serializer), so a 10,000-deep rule is a
// diagnostic for its flag and never a stack overflow. Limits and their reasons: docs/adr/0025.
import type { JsonValue } from '../types.js';
import { ROOT_PATH } from './build.js';
import type { Limits } from './types.js';

/**
 * The deepest rule any configuration may allow (`Limits.maxDepth` is clamped to it): compiling
 * and evaluating recurse once per level, and this depth stays far inside Node's default stack.
 */
export const MAX_SUPPORTED_DEPTH = 1000;

/** Why a rule is refused, with the path of the offending node (`targeting.and[0]...`). */
export interface LimitFailure {
  readonly code: 'RULE_TOO_DEEP' | 'RULE_TOO_LARGE';
  readonly relPath: string;
  readonly message: string;
}

/** The depth limit in force: `limits.maxDepth`, never beyond MAX_SUPPORTED_DEPTH. */
export function depthLimit(limits: Pick<Limits, 'maxDepth'>): number {
  return Math.min(limits.maxDepth, MAX_SUPPORTED_DEPTH);
}

/**
 * Checks depth and size without recursion. Depth counts nested operations and literal arrays;
 * an operation's own operand list is not an extra level, so `{"!": {"!": ...}}` and
 * `{"and": [{"and": [...]}]}` both count one level per operation.
 *
 * Every rule of a configuration goes through this, so the walk allocates nothing per node
 * (parallel stacks, no path strings); only a failing rule is walked again with paths, to say
 * where it failed.
 */
export function checkRuleLimits(rule: JsonValue, limits: Limits): LimitFailure | undefined {
  if (walk(rule, limits, undefined)) return undefined;
  const paths: PathRecorder = { stack: [] };
  walk(rule, limits, paths);
  return (
    paths.failure ?? {
      code: 'RULE_TOO_LARGE',
      relPath: ROOT_PATH,
      message: 'targeting exceeds the rule limits',
    }
  );
}

/** Nodes of a rule (operations, operand lists, arrays, literals), counted without recursion. */
export function ruleNodes(rule: JsonValue): number {
  const pending: JsonValue[] = [rule];
  let nodes = 0;
  while (pending.length > 0) {
    const v = pending.pop() as JsonValue;
    nodes++;
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) for (const item of v) pending.push(item);
    else for (const key of Object.keys(v)) pending.push(v[key] as JsonValue);
  }
  return nodes;
}

interface PathRecorder {
  readonly stack: string[];
  failure?: LimitFailure;
}

/** The walk of checkRuleLimits: true when within the limits; with `paths`, records where not. */
function walk(rule: JsonValue, limits: Limits, paths: PathRecorder | undefined): boolean {
  const maxDepth = depthLimit(limits);
  const maxNodes = limits.maxRuleNodes;
  const values: JsonValue[] = [rule];
  const depths: number[] = [1];
  paths?.stack.push(ROOT_PATH);
  let nodes = 0;
  const tooLarge = (): boolean => {
    if (paths !== undefined) {
      paths.failure = {
        code: 'RULE_TOO_LARGE',
        relPath: ROOT_PATH,
        message: `targeting has more than the limit of ${maxNodes} nodes`,
      };
    }
    return false;
  };
  while (values.length > 0) {
    const v = values.pop() as JsonValue;
    const depth = depths.pop() as number;
    const path = paths?.stack.pop() ?? '';
    nodes++;
    if (v === null || typeof v !== 'object') continue;
    if (depth > maxDepth) {
      if (paths !== undefined) {
        paths.failure = {
          code: 'RULE_TOO_DEEP',
          relPath: path,
          message: `targeting is nested deeper than the limit of ${maxDepth} levels`,
        };
      }
      return false;
    }
    const keys = Array.isArray(v) ? null : Object.keys(v);
    if (keys !== null && keys.length === 1) {
      const op = keys[0] as string;
      const operands = (v as Record<string, JsonValue>)[op] as JsonValue;
      if (Array.isArray(operands)) {
        nodes++; // the operand list itself
        if (nodes + values.length + operands.length > maxNodes) return tooLarge();
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
      if (nodes + values.length + items.length > maxNodes) return tooLarge();
      for (let i = items.length - 1; i >= 0; i--) {
        values.push(items[i] as JsonValue);
        depths.push(depth + 1);
        paths?.stack.push(`${path}[${i}]`);
      }
    } else {
      const obj = v as Record<string, JsonValue>;
      if (nodes + values.length + keys.length > maxNodes) return tooLarge();
      for (const key of keys) {
        values.push(obj[key] as JsonValue);
        depths.push(depth + 1);
        paths?.stack.push(`${path}.${key}`);
      }
    }
    if (nodes + values.length > maxNodes) return tooLarge();
  }
  return true;
}
