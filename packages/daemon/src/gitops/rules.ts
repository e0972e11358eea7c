// The lifecycle rules of `switchyard validate`, read from flag metadata (issue 7, item 1).
// Each rule has a configurable severity (config.ts); `off` skips it entirely.
import type { ProjectConfig, RuleId } from './config.js';
import type { FlagDocument } from './document.js';
import type { FlagDefinition } from './engine-types.js';
import type { Finding } from './findings.js';
import type { PathSegment } from './positions.js';
import { unreachableVariants } from './reachability.js';

const DAY_MS = 86_400_000;
const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Milliseconds of an ISO 8601 date or date-time (date-only = 00:00 UTC), else undefined. */
export function parseIsoDate(value: string): number | undefined {
  const m = ISO_DATE.exec(value.trim());
  if (m === null) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const day = new Date(Date.UTC(y, mo - 1, d));
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d)
    return undefined;
  if (m[4] === undefined) return day.getTime();
  const ms = Date.parse(m[7] === undefined ? `${value.trim()}Z` : value.trim());
  return Number.isNaN(ms) ? undefined : ms;
}

type Emit = (
  rule: RuleId,
  doc: FlagDocument,
  flag: FlagDefinition,
  field: readonly PathSegment[],
  message: string,
) => void;

/** The path of a metadata key: the flag's own metadata when it has it, else the set's. */
function metadataField(
  doc: FlagDocument,
  flag: FlagDefinition,
  key: string,
): { inFlag: boolean; path: PathSegment[] } {
  const own = doc.locate([...doc.flagPath(flag), 'metadata', key]);
  return own !== undefined
    ? { inFlag: true, path: ['metadata', key] }
    : { inFlag: false, path: [] };
}

function checkFlag(
  doc: FlagDocument,
  flag: FlagDefinition,
  config: ProjectConfig,
  now: number,
  emit: Emit,
): void {
  const r = config.rules;
  const owner = flag.metadata[r['owner-required'].key];
  if (
    r['owner-required'].severity !== 'off' &&
    (owner === undefined || String(owner).trim() === '')
  ) {
    emit(
      'owner-required',
      doc,
      flag,
      [],
      `flag "${flag.key}" has no "${r['owner-required'].key}" in its metadata`,
    );
  }

  const expiresKey = r.expired.key;
  const expires = flag.metadata[expiresKey];
  if (expires !== undefined) {
    const field = metadataField(doc, flag, expiresKey);
    const at = typeof expires === 'string' ? parseIsoDate(expires) : undefined;
    if (at === undefined) {
      emit(
        'expires-invalid',
        doc,
        flag,
        field.path,
        `flag "${flag.key}": metadata "${expiresKey}" is not an ISO 8601 date (${JSON.stringify(expires)})`,
      );
    } else if (now >= at) {
      const days = Math.floor((now - at) / DAY_MS);
      emit(
        'expired',
        doc,
        flag,
        field.path,
        `flag "${flag.key}" expired on ${expires}${days > 0 ? ` (${days} day${days === 1 ? '' : 's'} ago)` : ''}; remove it or extend "${expiresKey}"`,
      );
    } else if (at - now <= r['expiring-soon'].days * DAY_MS) {
      const days = Math.ceil((at - now) / DAY_MS);
      emit(
        'expiring-soon',
        doc,
        flag,
        field.path,
        `flag "${flag.key}" expires on ${expires} (in ${days} day${days === 1 ? '' : 's'})`,
      );
    }
  }

  const prefix = r['kill-switch-default'].prefix;
  const isKillSwitch = prefix !== '' && flag.key.startsWith(prefix);
  if (isKillSwitch) {
    const dv = flag.defaultVariant;
    const value = dv === undefined ? undefined : flag.variants[dv];
    if (value !== true && value !== 'on') {
      const enabled = Object.keys(flag.variants).filter(
        (v) => flag.variants[v] === true || flag.variants[v] === 'on',
      );
      const hint =
        enabled.length > 0
          ? `; set defaultVariant to "${enabled[0]}"`
          : '; it has no true/"on" variant';
      emit(
        'kill-switch-default',
        doc,
        flag,
        ['defaultVariant'],
        `kill switch "${flag.key}" must default to its enabled variant (true or "on"), not ${dv === undefined ? 'the code default' : `"${dv}"`}${hint}`,
      );
    }
  }

  const unreachable = r['unreachable-variant'];
  // A static kill switch's "off" variant is reached by editing defaultVariant in an incident:
  // that is the point of the flag, not dead configuration.
  const staticKillSwitch = isKillSwitch && flag.targeting === undefined;
  if (
    unreachable.severity !== 'off' &&
    !staticKillSwitch &&
    !(unreachable.ignoreStatic && flag.targeting === undefined)
  ) {
    for (const name of unreachableVariants(
      Object.keys(flag.variants),
      flag.defaultVariant,
      flag.targeting,
    )) {
      const how =
        flag.targeting === undefined
          ? 'the flag has no targeting and does not default to it'
          : 'neither the default nor any targeting branch returns it';
      emit(
        'unreachable-variant',
        doc,
        flag,
        ['variants', name],
        `variant "${name}" of flag "${flag.key}" is unreachable: ${how}`,
      );
    }
  }
}

/** Runs every enabled lifecycle rule over the successfully parsed documents. */
export function lifecycleFindings(
  docs: readonly FlagDocument[],
  config: ProjectConfig,
  now: number,
): Finding[] {
  const findings: Finding[] = [];
  const emit: Emit = (rule, doc, flag, field, message) => {
    const severity = config.rules[rule].severity;
    if (severity === 'off') return;
    const pos = doc.position(flag, field);
    const path = [...doc.flagPath(flag), ...field].join('.');
    findings.push({
      ruleId: rule,
      severity,
      message,
      file: doc.file.display,
      line: pos.line,
      column: pos.column,
      flagKey: flag.key,
      path,
    });
  };
  const firstSeen = new Map<string, { doc: FlagDocument; flag: FlagDefinition }>();
  for (const doc of docs) {
    const flags = doc.result.configuration?.flags ?? [];
    for (const flag of flags) checkFlag(doc, flag, config, now, emit);
    // duplicate-key: across files only; within one file core reports DUPLICATE_FLAG.
    for (const flag of flags) {
      const id = `${flag.flagSetId ?? ''}\u0000${flag.key}`;
      const first = firstSeen.get(id);
      if (first === undefined) firstSeen.set(id, { doc, flag });
      else if (first.doc !== doc) {
        const where = first.doc.position(first.flag);
        const set =
          flag.flagSetId === undefined ? 'the default flag set' : `flag set "${flag.flagSetId}"`;
        emit(
          'duplicate-key',
          doc,
          flag,
          [],
          `flag "${flag.key}" in ${set} is already defined at ${first.doc.file.display}:${where.line}:${where.column}`,
        );
      }
    }
  }
  return findings;
}
