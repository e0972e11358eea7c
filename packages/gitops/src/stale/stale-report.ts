// Output formats of `switchyard stale`: text (compiler style, one line per reason), JSON and SARIF.
import { sarifLog } from '../report/sarif.js';
import { STALE_REASONS, type StaleReason, type StaleReasonId } from './stale-rules.js';

export interface StaleFlag {
  readonly key: string;
  readonly flagSetId?: string;
  readonly owner?: string;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly reasons: readonly StaleReason[];
}

/** What the run could check: flags read, and whether usage and code were part of the evidence. */
export interface StaleChecked {
  readonly flags: number;
  readonly usage: boolean;
  readonly code: boolean;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function byReason(found: readonly StaleFlag[]): Record<StaleReasonId, number> {
  const counts = { expired: 0, 'single-variant': 0, unused: 0, unreferenced: 0 };
  for (const f of found) for (const r of f.reasons) counts[r.reason]++;
  return counts;
}

export function formatStaleText(found: readonly StaleFlag[], checked: StaleChecked): string {
  const lines: string[] = [];
  for (const f of found) {
    const who = `${f.key}${f.flagSetId === undefined ? '' : ` (set ${f.flagSetId})`}, owner ${f.owner ?? '(none)'}`;
    for (const r of f.reasons)
      lines.push(`${f.file}:${f.line}:${f.column}: ${r.reason} [${who}]: ${r.message}`);
  }
  const counts = byReason(found);
  const not = [
    ...(checked.usage ? [] : ['unused (no --usage or --daemon)']),
    ...(checked.code ? [] : ['unreferenced (no --code)']),
  ];
  const detail = (Object.keys(counts) as StaleReasonId[])
    .filter((id) => counts[id] > 0)
    .map((id) => `${counts[id]} ${id}`)
    .join(', ');
  lines.push(
    found.length === 0
      ? `${plural(checked.flags, 'flag')} checked, none stale`
      : `${plural(checked.flags, 'flag')} checked: ${found.length} stale (${detail})`,
  );
  if (not.length > 0) lines.push(`not checked: ${not.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

export function formatStaleJson(found: readonly StaleFlag[], checked: StaleChecked): string {
  const summary = { ...checked, stale: found.length, reasons: byReason(found) };
  return `${JSON.stringify({ summary, flags: found }, null, 2)}\n`;
}

export function formatStaleSarif(found: readonly StaleFlag[], version: string): string {
  const rules = (Object.keys(STALE_REASONS) as StaleReasonId[]).map((id) => ({
    id: `stale/${id}`,
    summary: STALE_REASONS[id],
    level: 'warning' as const,
  }));
  const results = found.flatMap((f) =>
    f.reasons.map((r) => ({
      ruleId: `stale/${r.reason}`,
      level: 'warning' as const,
      message: `flag "${f.key}" (owner ${f.owner ?? 'none'}): ${r.message}`,
      file: f.file,
      line: f.line,
      column: f.column,
      flagKey: f.key,
    })),
  );
  return sarifLog(rules, results, version);
}
