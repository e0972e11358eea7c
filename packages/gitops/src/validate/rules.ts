// The lifecycle rules of `switchyard validate`, read from flag metadata. Each rule has a
// configurable severity (config.ts); `off` skips it entirely. One function per rule, each
// given the flag under check; duplicate keys are checked across the documents.
import type { FlagDefinition } from '../engine-types.js';
import type { FlagDocument } from '../flags/document.js';
import { flagId } from '../flags/flag-id.js';
import type { PathSegment } from '../flags/positions.js';
import { parseIsoDate } from '../iso-date.js';
import type { ProjectConfig, RuleId, RuleSettings } from './config.js';
import type { Finding } from './findings.js';
import { INCIDENT_KEY, incidentIn } from '../set/incident.js';
import { unreachableVariants } from './reachability.js';

const DAY_MS = 86_400_000;

/** One flag under check, and where its findings go. */
interface FlagCheck {
  readonly doc: FlagDocument;
  readonly flag: FlagDefinition;
  readonly rules: RuleSettings;
  readonly now: number;
  /** Records a finding of `rule` at `field`, a path below the flag (`[]`: the flag's key). */
  report(rule: RuleId, field: readonly PathSegment[], message: string): void;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function checkOwner({ flag, rules, report }: FlagCheck): void {
  const { key, severity } = rules['owner-required'];
  const owner = flag.metadata[key];
  if (severity !== 'off' && (owner === undefined || String(owner).trim() === '')) {
    report('owner-required', [], `flag "${flag.key}" has no "${key}" in its metadata`);
  }
}

function checkExpiry({ doc, flag, rules, now, report }: FlagCheck): void {
  const key = rules.expired.key;
  const expires = flag.metadata[key];
  if (expires === undefined) return;
  // The flag's own metadata when the key is there, else the flag (it came from the set's).
  const field = doc.locate([...doc.flagPath(flag), 'metadata', key]) ? ['metadata', key] : [];
  const at = typeof expires === 'string' ? parseIsoDate(expires) : undefined;
  if (at === undefined) {
    report(
      'expires-invalid',
      field,
      `flag "${flag.key}": metadata "${key}" is not an ISO 8601 date (${JSON.stringify(expires)})`,
    );
  } else if (now >= at) {
    const days = Math.floor((now - at) / DAY_MS);
    report(
      'expired',
      field,
      `flag "${flag.key}" expired on ${expires}${days > 0 ? ` (${plural(days, 'day')} ago)` : ''}; remove it or extend "${key}"`,
    );
  } else if (at - now <= rules['expiring-soon'].days * DAY_MS) {
    const days = Math.ceil((at - now) / DAY_MS);
    report(
      'expiring-soon',
      field,
      `flag "${flag.key}" expires on ${expires} (in ${plural(days, 'day')})`,
    );
  }
}

const isEnabledValue = (value: unknown) => value === true || value === 'on';

function isKillSwitch(flag: FlagDefinition, rules: RuleSettings): boolean {
  const prefix = rules['kill-switch-default'].prefix;
  return prefix !== '' && flag.key.startsWith(prefix);
}

function checkKillSwitch({ flag, rules, report }: FlagCheck): void {
  if (!isKillSwitch(flag, rules)) return;
  const dv = flag.defaultVariant;
  if (dv !== undefined && isEnabledValue(flag.variants[dv])) return;
  const incident = incidentIn(flag.metadata);
  if (incident !== undefined) {
    // Off on purpose, said why: visible in every run, and in the audit trail once served.
    report(
      'kill-switch-incident',
      ['metadata', INCIDENT_KEY],
      `kill switch "${flag.key}" is off for an incident: ${incident}; turn it back on with \`switchyard set ${flag.key} --variant <on>\` when it is over`,
    );
    return;
  }
  const enabled = Object.keys(flag.variants).filter((v) => isEnabledValue(flag.variants[v]));
  const hint =
    enabled.length > 0
      ? `; set defaultVariant to "${enabled[0]}"`
      : '; it has no true/"on" variant';
  report(
    'kill-switch-default',
    ['defaultVariant'],
    `kill switch "${flag.key}" must default to its enabled variant (true or "on"), not ${dv === undefined ? 'the code default' : `"${dv}"`}${hint} (in an incident: switchyard set ${flag.key} --variant NAME --incident REASON)`,
  );
}

function checkReachability({ flag, rules, report }: FlagCheck): void {
  const { severity, ignoreStatic } = rules['unreachable-variant'];
  const isStatic = flag.targeting === undefined;
  // A static kill switch's "off" variant is reached by editing defaultVariant in an incident:
  // that is the point of the flag, not dead configuration.
  if (severity === 'off' || (isStatic && (ignoreStatic || isKillSwitch(flag, rules)))) return;
  const how = isStatic
    ? 'the flag has no targeting and does not default to it'
    : 'neither the default nor any targeting branch returns it';
  const names = unreachableVariants(
    Object.keys(flag.variants),
    flag.defaultVariant,
    flag.targeting,
  );
  for (const name of names) {
    report(
      'unreachable-variant',
      ['variants', name],
      `variant "${name}" of flag "${flag.key}" is unreachable: ${how}`,
    );
  }
}

const FLAG_RULES: readonly ((check: FlagCheck) => void)[] = [
  checkOwner,
  checkExpiry,
  checkKillSwitch,
  checkReachability,
];

/** A finding of a lifecycle rule at `field` below `flag` in `doc`; undefined when it is off. */
function finding(
  config: ProjectConfig,
  at: { doc: FlagDocument; flag: FlagDefinition; field: readonly PathSegment[] },
  rule: { id: RuleId; message: string },
): Finding | undefined {
  const severity = config.rules[rule.id].severity;
  if (severity === 'off') return undefined;
  const pos = at.doc.position(at.flag, at.field);
  return {
    ruleId: rule.id,
    severity,
    message: rule.message,
    file: at.doc.file.display,
    line: pos.line,
    column: pos.column,
    flagKey: at.flag.key,
    path: [...at.doc.flagPath(at.flag), ...at.field].join('.'),
  };
}

/** duplicate-key: across files only; within one file core reports DUPLICATE_FLAG. */
function duplicateMessage(
  flag: FlagDefinition,
  first: { doc: FlagDocument; flag: FlagDefinition },
) {
  const where = first.doc.position(first.flag);
  const set =
    flag.flagSetId === undefined ? 'the default flag set' : `flag set "${flag.flagSetId}"`;
  return `flag "${flag.key}" in ${set} is already defined at ${first.doc.file.display}:${where.line}:${where.column}`;
}

/** Runs every enabled lifecycle rule over the successfully parsed documents. */
export function lifecycleFindings(
  docs: readonly FlagDocument[],
  config: ProjectConfig,
  now: number,
): Finding[] {
  const findings: Finding[] = [];
  const add = (found: Finding | undefined) => {
    if (found !== undefined) findings.push(found);
  };
  const firstSeen = new Map<string, { doc: FlagDocument; flag: FlagDefinition }>();
  for (const doc of docs) {
    const flags = doc.result.configuration?.flags ?? [];
    for (const flag of flags) {
      const report = (id: RuleId, field: readonly PathSegment[], message: string) =>
        add(finding(config, { doc, flag, field }, { id, message }));
      for (const rule of FLAG_RULES) rule({ doc, flag, rules: config.rules, now, report });
    }
    for (const flag of flags) {
      const first = firstSeen.get(flagId(flag));
      if (first === undefined) firstSeen.set(flagId(flag), { doc, flag });
      else if (first.doc !== doc) {
        const message = duplicateMessage(flag, first);
        add(finding(config, { doc, flag, field: [] }, { id: 'duplicate-key', message }));
      }
    }
  }
  return findings;
}
