// The readable, indented form of an explain trace for `switchyard eval --explain`: one line per
// visited operator (operands → result, with its path in the rule), and for `fractional` the
// bucketing input, hash, bucket and the ranges of each variant.
import type { ExplainTrace, TraceNode } from '../engine-types.js';

const MAX_VALUE = 60;

export function short(value: unknown): string {
  const text = value === undefined ? 'undefined' : (JSON.stringify(value) ?? String(value));
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}

interface Range {
  readonly variant: unknown;
  readonly weight: number;
  readonly from: number;
  readonly to: number;
}

function fractionalLines(detail: Readonly<Record<string, unknown>>, chosen: unknown): string[] {
  const lines: string[] = [];
  const source = detail.seedSource === 'explicit' ? 'explicit' : 'flagKey + targetingKey';
  lines.push(`bucketing value ${short(detail.bucketingValue)} (${source})`);
  lines.push(
    `murmur3 hash ${String(detail.hash)} → bucket ${String(detail.bucket)} of ${String(detail.totalWeight)}`,
  );
  const ranges = Array.isArray(detail.ranges) ? (detail.ranges as Range[]) : [];
  for (const r of ranges) {
    const hit =
      typeof detail.bucket === 'number' && detail.bucket >= r.from && detail.bucket < r.to;
    lines.push(
      `${hit ? '▶' : ' '} ${short(r.variant)} [${r.from}, ${r.to}) weight ${r.weight}${hit ? ` ← chosen ${short(chosen)}` : ''}`,
    );
  }
  return lines;
}

function nodeLines(node: TraceNode, depth: number, out: string[]): void {
  const pad = '  '.repeat(depth);
  const args = node.op === 'literal' ? '' : `(${(node.args ?? []).map(short).join(', ')})`;
  out.push(`${pad}${node.op}${args} → ${short(node.result)}    @ ${node.path}`);
  if (node.op === 'fractional' && node.detail !== undefined) {
    for (const l of fractionalLines(node.detail, node.result)) out.push(`${pad}    ${l}`);
  } else if (node.detail !== undefined) {
    out.push(`${pad}    ${short(node.detail)}`);
  }
  for (const child of node.children ?? []) nodeLines(child, depth + 1, out);
}

export function formatTrace(trace: ExplainTrace): string {
  const out: string[] = [`why: ${trace.why}`];
  if (trace.rule !== undefined) {
    out.push('trace:');
    nodeLines(trace.rule, 1, out);
    out.push(`targeting returned ${short(trace.ruleResult)}`);
  }
  return `${out.join('\n')}\n`;
}
