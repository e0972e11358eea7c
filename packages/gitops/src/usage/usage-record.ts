// The usage record: per flag, when it was first and last evaluated and how often, by variant and
// reason, as providers reported it to a daemon. The daemon keeps it (`--usage-file`, the
// console's `GET /ui/api/usage`); `switchyard stale` reads it to find flags nobody evaluates. The
// model lives here, beside the audit model, so the daemon and the tools share one shape.
import { InputError } from '../errors/input-error.js';

export const USAGE_FORMAT = 'switchyard-usage/1';

/** The evaluations of one flag that gave one variant for one reason. */
export interface EvaluationCount {
  /** The variant served; `""` when none was (the caller's default: DISABLED, ERROR, DEFAULT). */
  readonly variant: string;
  /** OpenFeature reason: STATIC, TARGETING_MATCH, DEFAULT, DISABLED, ERROR, ... */
  readonly reason: string;
  readonly count: number;
}

export interface FlagUsage {
  readonly key: string;
  /** Present when the flag was evaluated in a flag set. */
  readonly flagSetId?: string;
  /** ISO 8601: when a report first counted the flag, and when one last did. */
  readonly firstSeen: string;
  readonly lastSeen: string;
  /** Every evaluation counted, the sum of `counts`. */
  readonly evaluations: number;
  /** Most frequent first; bounded per flag (what does not fit is in the record's `dropped`). */
  readonly counts: readonly EvaluationCount[];
}

export interface UsageRecord {
  readonly format: typeof USAGE_FORMAT;
  /** ISO 8601: since when usage has been recorded (a flag unseen since then was never evaluated). */
  readonly since: string;
  /** ISO 8601 of the last report counted. */
  readonly updated: string;
  /** Evaluations reported but not kept because a bound was reached (flags or counts per flag). */
  readonly dropped: number;
  readonly flags: readonly FlagUsage[];
}

/** Largest usage record read (a daemon keeps at most 10,000 flags × 64 counts). */
export const MAX_USAGE_BYTES = 64 * 1024 * 1024;

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isTime = (v: unknown): v is string => typeof v === 'string' && !Number.isNaN(Date.parse(v));

function countOf(raw: unknown, where: string): EvaluationCount {
  if (
    !isMap(raw) ||
    typeof raw.variant !== 'string' ||
    typeof raw.reason !== 'string' ||
    !isCount(raw.count)
  ) {
    throw new InputError(`${where}: expected {variant, reason, count}`);
  }
  return { variant: raw.variant, reason: raw.reason, count: raw.count };
}

function flagOf(raw: unknown, where: string): FlagUsage {
  if (!isMap(raw) || typeof raw.key !== 'string' || raw.key === '') {
    throw new InputError(`${where}: expected a flag with a "key"`);
  }
  if (!isTime(raw.firstSeen) || !isTime(raw.lastSeen) || !isCount(raw.evaluations)) {
    throw new InputError(`${where} (${raw.key}): firstSeen, lastSeen and evaluations are required`);
  }
  if (raw.flagSetId !== undefined && typeof raw.flagSetId !== 'string') {
    throw new InputError(`${where} (${raw.key}): flagSetId must be a string`);
  }
  const counts = Array.isArray(raw.counts) ? raw.counts : [];
  return {
    key: raw.key,
    ...(raw.flagSetId === undefined || raw.flagSetId === '' ? {} : { flagSetId: raw.flagSetId }),
    firstSeen: raw.firstSeen,
    lastSeen: raw.lastSeen,
    evaluations: raw.evaluations,
    counts: counts.map((c, i) => countOf(c, `${where}.counts[${i}]`)),
  };
}

/**
 * Reads a usage record (the `--usage-file` or `GET /ui/api/usage` text); `from` names it in
 * errors. Throws InputError for anything that is not a usage record.
 */
export function parseUsageRecord(text: string, from: string): UsageRecord {
  if (text.length > MAX_USAGE_BYTES) {
    throw new InputError(`${from}: a usage record is at most ${MAX_USAGE_BYTES} bytes`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${from}: not JSON: ${(error as Error).message}`);
  }
  if (!isMap(raw) || raw.format !== USAGE_FORMAT) {
    throw new InputError(`${from}: not a usage record (expected "format": "${USAGE_FORMAT}")`);
  }
  if (!isTime(raw.since) || !isTime(raw.updated) || !Array.isArray(raw.flags)) {
    throw new InputError(`${from}: since, updated and flags are required`);
  }
  return {
    format: USAGE_FORMAT,
    since: raw.since,
    updated: raw.updated,
    dropped: isCount(raw.dropped) ? raw.dropped : 0,
    flags: raw.flags.map((f, i) => flagOf(f, `${from}: flags[${i}]`)),
  };
}
