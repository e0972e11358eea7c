// The readable form of a `switchyard diff` report.
import type { FieldChange, FlagDiff } from './diff-model.js';

export interface DiffTextInput {
  readonly oldSpec: string;
  readonly newSpec: string;
  readonly contexts: {
    readonly source: string;
    readonly count: number;
    readonly seed?: number;
    readonly file?: string;
  };
  readonly diffs: readonly FlagDiff[];
  readonly maxImpact: number | undefined;
  readonly exceeded: readonly FlagDiff[];
  /** Flags above the threshold let through by an incident reason in their new metadata. */
  readonly exempted: readonly { readonly diff: FlagDiff; readonly incident: string }[];
}

const json = (v: unknown): string => (v === undefined ? 'null' : JSON.stringify(v));
export const percent = (share: number): string => `${(share * 100).toFixed(2)}%`;

function describeChange(c: FieldChange): string[] {
  switch (c.field) {
    case 'state':
    case 'defaultVariant':
      return [`${c.field}: ${json(c.before)} → ${json(c.after)}`];
    case 'targeting':
      return ['targeting:', `  - ${json(c.before)}`, `  + ${json(c.after)}`];
    default: {
      const before = c.before as Record<string, unknown>;
      const after = c.after as Record<string, unknown>;
      const lines = [`${c.field}:`];
      for (const k of c.added ?? []) lines.push(`  + ${k}: ${json(after[k])}`);
      for (const k of c.removed ?? []) lines.push(`  - ${k}: ${json(before[k])}`);
      for (const k of c.changed ?? [])
        lines.push(`  ~ ${k}: ${json(before[k])} → ${json(after[k])}`);
      return lines;
    }
  }
}

export function formatDiffText(input: DiffTextInput): string {
  const { diffs, contexts } = input;
  const count = (kind: FlagDiff['kind']) => diffs.filter((d) => d.kind === kind).length;
  const population =
    contexts.source === 'file'
      ? `${contexts.count} contexts from ${contexts.file}`
      : `${contexts.count} generated contexts, seed ${contexts.seed}`;
  const lines = [
    `${input.oldSpec} → ${input.newSpec}: ${count('changed')} changed, ${count('added')} added, ${count('removed')} removed (${population})`,
  ];
  for (const d of diffs) {
    lines.push('');
    const mark = d.kind === 'added' ? '+' : d.kind === 'removed' ? '-' : '~';
    lines.push(`${mark} ${d.label}${d.kind === 'changed' ? '' : ` (${d.kind})`}`);
    for (const c of d.changes) for (const l of describeChange(c)) lines.push(`    ${l}`);
    if (d.impact !== undefined) {
      const { changed, total, share } = d.impact;
      const incident = input.exempted.find((e) => e.diff === d)?.incident;
      const over = input.exceeded.includes(d)
        ? `  ✗ above --max-impact ${input.maxImpact}%`
        : incident !== undefined
          ? `  ⚑ above --max-impact ${input.maxImpact}%, let through for incident: ${incident}`
          : '';
      lines.push(
        `    impact: ${changed} of ${total} contexts (${percent(share)}) change variant${over}`,
      );
      const moves = d.impact.matrix.filter((t) => t.from !== t.to);
      const width = Math.max(0, ...moves.map((t) => `${t.from} → ${t.to}`.length));
      if (d.impact.valueChanged > 0) {
        lines.push(`    ${d.impact.valueChanged} more keep their variant but get its new value`);
      }
      for (const t of moves)
        lines.push(
          `      ${`${t.from} → ${t.to}`.padEnd(width)}  ${t.count} (${percent(t.count / total)})`,
        );
    }
  }
  if (input.maxImpact !== undefined) {
    lines.push('');
    lines.push(
      input.exceeded.length === 0
        ? `max impact ${input.maxImpact}%: ok`
        : `max impact ${input.maxImpact}% exceeded by: ${input.exceeded.map((d) => d.label).join(', ')}`,
    );
    for (const e of input.exempted)
      lines.push(`let through (metadata "incident"): ${e.diff.label}: ${e.incident}`);
  }
  return `${lines.join('\n')}\n`;
}
