// Output formats of `switchyard validate`: text (compiler style, `file:line:col`), JSON and
// SARIF 2.1.0 (for code-scanning UIs such as GitHub's).
import { type SarifLevel, type SarifRule, sarifLog } from '../report/sarif.js';
import type { ProjectConfig, RuleId } from './config.js';
import { CORE_RULE_SUMMARY, type Finding, RULE_SUMMARIES } from './findings.js';

export interface Summary {
  readonly files: number;
  readonly errors: number;
  readonly warnings: number;
}

export function summarize(files: number, findings: readonly Finding[]): Summary {
  const errors = findings.filter((f) => f.severity === 'error').length;
  return { files, errors, warnings: findings.length - errors };
}

export function formatText(findings: readonly Finding[], summary: Summary): string {
  const lines = findings.map(
    (f) =>
      `${f.file}:${f.line}:${f.column}: ${f.severity} ${f.ruleId}${f.flagKey === undefined ? '' : ` [${f.flagKey}]`}: ${f.message}`,
  );
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const total = summary.errors + summary.warnings;
  lines.push(
    total === 0
      ? `${plural(summary.files, 'file')} checked, no problems`
      : `${plural(summary.files, 'file')} checked: ${plural(total, 'problem')} (${plural(summary.errors, 'error')}, ${plural(summary.warnings, 'warning')})`,
  );
  return `${lines.join('\n')}\n`;
}

export function formatJson(findings: readonly Finding[], summary: Summary): string {
  return `${JSON.stringify({ summary, findings }, null, 2)}\n`;
}

/** SARIF 2.1.0: one run, every lifecycle rule plus the core codes that occurred as rules. */
export function formatSarif(
  findings: readonly Finding[],
  config: ProjectConfig,
  version: string,
): string {
  const level = (s: string): SarifLevel =>
    s === 'off' ? 'none' : s === 'warning' ? 'warning' : 'error';
  const rules: SarifRule[] = (Object.keys(RULE_SUMMARIES) as RuleId[]).map((id) => ({
    id,
    summary: RULE_SUMMARIES[id],
    level: level(config.rules[id].severity),
  }));
  for (const f of findings) {
    if (f.ruleId.startsWith('core/') && !rules.some((r) => r.id === f.ruleId)) {
      rules.push({ id: f.ruleId, summary: CORE_RULE_SUMMARY, level: f.severity });
    }
  }
  return sarifLog(
    rules,
    findings.map((f) => ({ ...f, level: f.severity })),
    version,
  );
}
