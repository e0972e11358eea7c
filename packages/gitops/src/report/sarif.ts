// SARIF 2.1.0 (https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html), the format code
// scanning UIs such as GitHub's read: one run of the `switchyard` tool, its rules, and one result
// per finding with a repository-relative location. `validate` and `stale` both report through it.

export type SarifLevel = 'error' | 'warning' | 'note' | 'none';

export interface SarifRule {
  readonly id: string;
  readonly summary: string;
  readonly level: SarifLevel;
}

export interface SarifResult {
  readonly ruleId: string;
  readonly level: SarifLevel;
  readonly message: string;
  /** Repository-relative path with `/` separators. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly flagKey?: string | undefined;
}

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

/** The SARIF log as text; rules are listed in the order given. */
export function sarifLog(
  rules: readonly SarifRule[],
  results: readonly SarifResult[],
  version: string,
): string {
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'switchyard',
            informationUri: 'https://flagd.dev',
            version,
            rules: rules.map((r) => ({
              id: r.id,
              shortDescription: { text: r.summary },
              defaultConfiguration: { level: r.level },
            })),
          },
        },
        results: results.map((f) => ({
          ruleId: f.ruleId,
          ruleIndex: index.get(f.ruleId) ?? -1,
          level: f.level,
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
        })),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
