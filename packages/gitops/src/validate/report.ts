// Output formats of `switchyard validate`: text (compiler style, `file:line:col`), JSON and
// SARIF 2.1.0 (for code-scanning UIs such as GitHub's).
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

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

/** SARIF 2.1.0: one run, every lifecycle rule plus the core codes that occurred as rules. */
export function formatSarif(
  findings: readonly Finding[],
  config: ProjectConfig,
  version: string,
): string {
  const level = (s: string): 'error' | 'warning' | 'none' =>
    s === 'off' ? 'none' : s === 'warning' ? 'warning' : 'error';
  const rules: {
    id: string;
    shortDescription: { text: string };
    defaultConfiguration: { level: string };
    helpUri?: string;
  }[] = [];
  for (const id of Object.keys(RULE_SUMMARIES) as RuleId[]) {
    rules.push({
      id,
      shortDescription: { text: RULE_SUMMARIES[id] },
      defaultConfiguration: { level: level(config.rules[id].severity) },
    });
  }
  for (const f of findings) {
    if (f.ruleId.startsWith('core/') && !rules.some((r) => r.id === f.ruleId)) {
      rules.push({
        id: f.ruleId,
        shortDescription: { text: CORE_RULE_SUMMARY },
        defaultConfiguration: { level: f.severity },
      });
    }
  }
  const results = findings.map((f) => ({
    ruleId: f.ruleId,
    ruleIndex: rules.findIndex((r) => r.id === f.ruleId),
    level: f.severity,
    message: { text: f.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: encodeURI(f.file), uriBaseId: '%SRCROOT%' },
          region: { startLine: f.line, startColumn: f.column },
        },
        ...(f.flagKey === undefined
          ? {}
          : { logicalLocations: [{ name: f.flagKey, kind: 'member' }] }),
      },
    ],
  }));
  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: { name: 'switchyard', informationUri: 'https://flagd.dev', version, rules },
        },
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
