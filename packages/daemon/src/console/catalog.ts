// The console's catalog: one row per served flag with what an operator filters and sorts by —
// set, owner, state, lifecycle, staleness, file:line, usage — and the flag page's details: values,
// the rule, its fractional splits, usage counts and the audit entries that touched it. Staleness
// uses @switchyard/gitops's rules (what `switchyard stale` reports) with the evidence the daemon
// has: the definition and the usage providers report.
import {
  DAY_MS,
  expiredReason,
  type FlagUsage,
  incidentIn,
  isPermanent,
  parseIsoDate,
  type StaleReason,
  type StaleSettings,
  singleVariantReason,
  unusedReason,
} from '@switchyard/gitops';
import { formatDiagnostic, type FlagDefinition } from '../engine.js';
import type { MergedFlag } from '../store/merge.js';
import type { CatalogFlag } from './api-types.js';
import type { FlagLocation } from './flag-locations.js';

export interface CatalogContext {
  readonly now: number;
  readonly settings: StaleSettings & { readonly ownerKey: string; readonly expiringDays: number };
  readonly usage: (key: string, flagSetId: string | undefined) => FlagUsage | undefined;
  readonly usageSince: string;
  readonly location: (m: MergedFlag) => FlagLocation | undefined;
}

function text(value: unknown): string | undefined {
  return value === undefined ? undefined : String(value);
}

/** `metadata.lifecycle` when the flag says, else derived from its expiry and kind. */
function lifecycleOf(flag: FlagDefinition, context: CatalogContext): string {
  const own = flag.metadata.lifecycle;
  if (typeof own === 'string' && own !== '') return own;
  const { settings, now } = context;
  const expires = flag.metadata[settings.expiresKey];
  const at = typeof expires === 'string' ? parseIsoDate(expires) : undefined;
  if (at !== undefined && now >= at) return 'expired';
  if (at !== undefined && at - now <= settings.expiringDays * DAY_MS) return 'expiring';
  if (isPermanent(flag, settings)) return 'permanent';
  return 'active';
}

function staleOf(flag: FlagDefinition, usage: FlagUsage | undefined, context: CatalogContext) {
  const { settings, now } = context;
  return [
    expiredReason(flag, settings, now),
    // The daemon has no history of a flag's outcome: the console names the flag, and
    // `switchyard stale` (git history) says for how long.
    singleVariantReason(flag, settings, { now, since: undefined, unknownSince: true }),
    unusedReason(usage, { since: context.usageSince }, settings, now),
  ].filter((r): r is StaleReason => r !== undefined);
}

export function catalogRow(m: MergedFlag, context: CatalogContext): CatalogFlag {
  const { flag } = m;
  const usage = context.usage(flag.key, flag.flagSetId);
  const location = context.location(m);
  const owner = text(flag.metadata[context.settings.ownerKey]);
  const description = text(flag.metadata.description);
  const expires = text(flag.metadata[context.settings.expiresKey]);
  const incident = incidentIn(flag.metadata);
  return {
    key: flag.key,
    ...(flag.flagSetId === undefined ? {} : { flagSetId: flag.flagSetId }),
    source: m.sourceId,
    ...(location === undefined ? {} : { file: location.file, line: location.line }),
    state: flag.state,
    defaultVariant: flag.defaultVariant ?? null,
    variants: Object.keys(flag.variants),
    targeting: flag.targeting !== undefined,
    ...(owner === undefined ? {} : { owner }),
    ...(description === undefined ? {} : { description }),
    ...(expires === undefined ? {} : { expires }),
    lifecycle: lifecycleOf(flag, context),
    stale: staleOf(flag, usage, context),
    ...(flag.error === undefined ? {} : { ruleError: formatDiagnostic(flag.error) }),
    ...(incident === undefined ? {} : { incident }),
    evaluations: usage?.evaluations ?? 0,
    ...(usage === undefined ? {} : { lastSeen: usage.lastSeen }),
  };
}
