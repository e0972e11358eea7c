// Why a flag may have outlived its purpose, one function per reason. `switchyard stale` and the
// daemon's console both ask these, each with the evidence it has: the flag's definition always,
// how long it has served one variant (git or audit history), when it was last evaluated (usage),
// and whether code refers to it (a code scan).
import type { JsonValue } from '../engine-types.js';
import { parseIsoDate } from '../iso-date.js';
import type { FlagUsage, UsageRecord } from '../usage/usage-record.js';
import { outcomes } from '../validate/reachability.js';

export const DAY_MS = 86_400_000;

export type StaleReasonId = 'expired' | 'single-variant' | 'unused' | 'unreferenced';

export const STALE_REASONS: Readonly<Record<StaleReasonId, string>> = {
  expired: 'The flag is past the expiry date in its metadata.',
  'single-variant': 'The flag has served one variant to everyone for the given number of days.',
  unused: 'No provider has evaluated the flag for the given number of days.',
  unreferenced: 'No source file refers to the flag.',
};

export interface StaleReason {
  readonly reason: StaleReasonId;
  readonly message: string;
  /** ISO 8601: since when the reason holds, when known. */
  readonly since?: string;
}

/** The parts of a flag the rules read: a parsed definition or the raw one from a file. */
export interface FlagShape {
  readonly key: string;
  readonly state: string;
  readonly variants: Readonly<Record<string, unknown>>;
  readonly defaultVariant: string | undefined;
  readonly targeting: JsonValue | undefined;
  readonly metadata: Readonly<Record<string, unknown>>;
}

export interface StaleSettings {
  /** Days a flag may serve one variant or go unevaluated before it counts as stale (30). */
  readonly days: number;
  /** Metadata key of the expiry date (`expires`). */
  readonly expiresKey: string;
  /** Key prefix of kill switches, which serve one variant by design (`ops_`). */
  readonly killSwitchPrefix: string;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const daysBetween = (from: number, to: number) => Math.floor((to - from) / DAY_MS);
const iso = (ms: number) => new Date(ms).toISOString();

/** A flag meant to stay: a kill switch, or `permanent: true` in its metadata. */
export function isPermanent(flag: FlagShape, settings: StaleSettings): boolean {
  const prefix = settings.killSwitchPrefix;
  return (prefix !== '' && flag.key.startsWith(prefix)) || flag.metadata.permanent === true;
}

/**
 * The one variant every evaluation of the flag gets, when the definition alone proves it (no
 * targeting, or targeting whose every outcome is that variant, e.g. a 100 % split); `null` for a
 * DISABLED flag (everyone gets the caller's default); undefined when more than one outcome is
 * possible or the rule computes its result.
 */
export function singleOutcome(flag: FlagShape): string | null | undefined {
  if (flag.state === 'DISABLED') return null;
  const reach = outcomes(flag.targeting);
  if (reach === 'any') return undefined;
  // A name that is no variant is an evaluation error: another outcome.
  if ([...reach].some((name) => !Object.hasOwn(flag.variants, name))) return undefined;
  if (flag.defaultVariant !== undefined) reach.add(flag.defaultVariant);
  return reach.size === 1 ? ([...reach][0] as string) : undefined;
}

export function expiredReason(
  flag: FlagShape,
  settings: StaleSettings,
  now: number,
): StaleReason | undefined {
  const raw = flag.metadata[settings.expiresKey];
  const at = typeof raw === 'string' ? parseIsoDate(raw) : undefined;
  if (at === undefined || now < at) return undefined;
  const days = daysBetween(at, now);
  return {
    reason: 'expired',
    message: `expired on ${raw}${days > 0 ? ` (${plural(days, 'day')} ago)` : ''}`,
    since: iso(at),
  };
}

/**
 * `since`: epoch ms since when the flag has had its single outcome (from git or the audit
 * trail); undefined when unknown, and then the reason is reported without a duration only when
 * `unknownSince` says so (the console shows it, `stale` needs the history).
 */
export function singleVariantReason(
  flag: FlagShape,
  settings: StaleSettings,
  evidence: {
    readonly now: number;
    readonly since: number | undefined;
    readonly unknownSince?: boolean;
  },
): StaleReason | undefined {
  if (isPermanent(flag, settings)) return undefined;
  const outcome = singleOutcome(flag);
  if (outcome === undefined) return undefined;
  const what =
    outcome === null
      ? "is DISABLED (everyone gets the caller's default)"
      : `serves "${outcome}" to everyone`;
  if (evidence.since === undefined) {
    return evidence.unknownSince ? { reason: 'single-variant', message: what } : undefined;
  }
  const days = daysBetween(evidence.since, evidence.now);
  if (days < settings.days) return undefined;
  return {
    reason: 'single-variant',
    message: `${what}, unchanged for ${plural(days, 'day')}`,
    since: iso(evidence.since),
  };
}

/**
 * Not evaluated for `days`: last seen longer ago, or never seen while usage has been recorded for
 * that long. Usage recorded for a shorter time proves nothing about a flag never seen.
 */
export function unusedReason(
  usage: FlagUsage | undefined,
  record: Pick<UsageRecord, 'since'>,
  settings: StaleSettings,
  now: number,
): StaleReason | undefined {
  if (usage !== undefined) {
    const last = Date.parse(usage.lastSeen);
    const days = daysBetween(last, now);
    if (days < settings.days) return undefined;
    return {
      reason: 'unused',
      message: `last evaluated ${plural(days, 'day')} ago (${usage.lastSeen.slice(0, 10)})`,
      since: usage.lastSeen,
    };
  }
  const recording = daysBetween(Date.parse(record.since), now);
  if (recording < settings.days) return undefined;
  return {
    reason: 'unused',
    message: `never evaluated in the ${plural(recording, 'day')} usage has been recorded`,
    since: record.since,
  };
}
