// Flag usage as providers report it (switchyard.usage.v1): per flag, first and last seen and the
// evaluation counts by variant and reason. Everything is bounded, since reports come from the
// network: flags kept, counts per flag, reporters remembered for de-duplication, and the length
// of every string. What does not fit is counted in `dropped`, never silently lost.
import {
  type EvaluationCount,
  type FlagUsage,
  USAGE_FORMAT,
  type UsageRecord,
} from '@switchyard/gitops';
import { InvalidUsageReportError } from '../errors/invalid-usage-report-error.js';

export interface UsageLimits {
  /** Flags kept (default 10,000). */
  readonly maxFlags: number;
  /** Variant × reason counters per flag (default 64). */
  readonly maxCountsPerFlag: number;
  /** Reporters whose last batch is remembered to count a retried batch once (default 10,000). */
  readonly maxReporters: number;
  /** Longest flag key, flag set, variant, reason or reporter id accepted (default 256). */
  readonly maxString: number;
}

export const USAGE_LIMITS: UsageLimits = {
  maxFlags: 10_000,
  maxCountsPerFlag: 64,
  maxReporters: 10_000,
  maxString: 256,
};

/** One batch of a provider, as the usage service decodes it. */
export interface UsageBatch {
  readonly reporterId: string;
  readonly sequence: number;
  readonly flags: readonly {
    readonly key: string;
    readonly flagSetId: string | undefined;
    readonly counts: readonly EvaluationCount[];
  }[];
  readonly dropped: number;
}

/** What one batch added: the counters that grew (metrics follow them). */
export interface UsageChange {
  readonly at: number;
  readonly counted: readonly {
    readonly key: string;
    readonly flagSetId: string | undefined;
    readonly variant: string;
    readonly reason: string;
    readonly count: number;
  }[];
}

interface Entry {
  readonly key: string;
  readonly flagSetId: string | undefined;
  firstSeen: number;
  lastSeen: number;
  evaluations: number;
  /** `variant \0 reason` → count. */
  readonly counts: Map<string, number>;
}

const idOf = (key: string, flagSetId: string | undefined) => `${flagSetId ?? ''}\u0000${key}`;
const counterOf = (variant: string, reason: string) => `${variant}\u0000${reason}`;

export interface UsageStoreOptions {
  readonly limits?: Partial<UsageLimits>;
  /** Epoch ms (tests). */
  readonly now?: () => number;
  /** A record read back from the usage file: counting goes on from it. */
  readonly initial?: UsageRecord | undefined;
}

export class UsageStore {
  private readonly limits: UsageLimits;
  private readonly now: () => number;
  private readonly entries = new Map<string, Entry>();
  /** reporterId → the last sequence counted; Map order = least recently reporting first. */
  private readonly reporters = new Map<string, number>();
  private readonly listeners = new Set<(change: UsageChange) => void>();
  private since: number;
  private updated: number;
  private dropped = 0;
  /** Increases with every counted batch (the persistence writes when it moved). */
  version = 0;

  constructor(options: UsageStoreOptions = {}) {
    this.limits = { ...USAGE_LIMITS, ...options.limits };
    this.now = options.now ?? Date.now;
    this.since = this.now();
    this.updated = this.since;
    if (options.initial) this.restore(options.initial);
  }

  /**
   * Counts a batch, unless it repeats the reporter's last sequence (a retry whose answer was lost).
   * Throws InvalidUsageReportError for a malformed batch; nothing of it is counted then.
   */
  add(batch: UsageBatch): 'counted' | 'repeat' {
    this.check(batch);
    const last = this.reporters.get(batch.reporterId);
    if (last !== undefined && batch.sequence <= last) return 'repeat';
    this.reporters.delete(batch.reporterId);
    this.reporters.set(batch.reporterId, batch.sequence);
    if (this.reporters.size > this.limits.maxReporters) {
      this.reporters.delete(this.reporters.keys().next().value as string);
    }
    const at = this.now();
    const counted: UsageChange['counted'][number][] = [];
    this.dropped += batch.dropped;
    for (const flag of batch.flags) {
      const entry = this.entryFor(flag.key, flag.flagSetId, at);
      for (const c of flag.counts) {
        if (c.count === 0) continue;
        if (entry === undefined || !this.count(entry, c)) {
          this.dropped += c.count;
          continue;
        }
        counted.push({ key: flag.key, flagSetId: flag.flagSetId, ...c });
      }
    }
    this.updated = at;
    this.version++;
    const change = { at, counted };
    for (const listener of this.listeners) listener(change);
    return 'counted';
  }

  /** The whole record, flags most recently seen first. */
  record(): UsageRecord {
    const flags = [...this.entries.values()]
      .sort((a, b) => b.lastSeen - a.lastSeen || (a.key < b.key ? -1 : 1))
      .map(usageOf);
    return {
      format: USAGE_FORMAT,
      since: new Date(this.since).toISOString(),
      updated: new Date(this.updated).toISOString(),
      dropped: this.dropped,
      flags,
    };
  }

  /** One flag's usage, if it was ever reported. */
  flag(key: string, flagSetId: string | undefined): FlagUsage | undefined {
    const entry = this.entries.get(idOf(key, flagSetId));
    return entry === undefined ? undefined : usageOf(entry);
  }

  /** Since when usage has been recorded (epoch ms). */
  get recordingSince(): number {
    return this.since;
  }

  subscribe(listener: (change: UsageChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private entryFor(key: string, flagSetId: string | undefined, at: number): Entry | undefined {
    const id = idOf(key, flagSetId);
    let entry = this.entries.get(id);
    if (entry === undefined) {
      if (this.entries.size >= this.limits.maxFlags) return undefined;
      entry = { key, flagSetId, firstSeen: at, lastSeen: at, evaluations: 0, counts: new Map() };
      this.entries.set(id, entry);
    }
    entry.lastSeen = at;
    return entry;
  }

  private count(entry: Entry, c: EvaluationCount): boolean {
    const id = counterOf(c.variant, c.reason);
    const before = entry.counts.get(id);
    if (before === undefined && entry.counts.size >= this.limits.maxCountsPerFlag) return false;
    entry.counts.set(id, (before ?? 0) + c.count);
    entry.evaluations += c.count;
    return true;
  }

  private check(batch: UsageBatch): void {
    const { maxString } = this.limits;
    const long = (s: string | undefined) => s !== undefined && s.length > maxString;
    const bad = (message: string) => new InvalidUsageReportError(message);
    if (batch.reporterId === '' || long(batch.reporterId)) throw bad('reporter_id is required');
    if (!Number.isSafeInteger(batch.sequence) || batch.sequence < 1)
      throw bad('sequence must be a positive integer');
    if (!Number.isSafeInteger(batch.dropped) || batch.dropped < 0)
      throw bad('dropped is too large');
    for (const flag of batch.flags) {
      if (flag.key === '' || long(flag.key) || long(flag.flagSetId))
        throw bad(`a flag key or set is empty or longer than ${maxString} characters`);
      if (flag.counts.length > this.limits.maxCountsPerFlag)
        throw bad(`flag "${flag.key}": more than ${this.limits.maxCountsPerFlag} counts`);
      for (const c of flag.counts) {
        if (long(c.variant) || long(c.reason) || !Number.isSafeInteger(c.count) || c.count < 0)
          throw bad(`flag "${flag.key}": a variant, reason or count is out of bounds`);
      }
    }
  }

  private restore(record: UsageRecord): void {
    this.since = Date.parse(record.since);
    this.updated = Date.parse(record.updated);
    this.dropped = record.dropped;
    for (const flag of record.flags.slice(0, this.limits.maxFlags)) {
      const entry: Entry = {
        key: flag.key,
        flagSetId: flag.flagSetId,
        firstSeen: Date.parse(flag.firstSeen),
        lastSeen: Date.parse(flag.lastSeen),
        evaluations: 0,
        counts: new Map(),
      };
      for (const c of flag.counts.slice(0, this.limits.maxCountsPerFlag)) this.count(entry, c);
      this.entries.set(idOf(flag.key, flag.flagSetId), entry);
    }
  }
}

function usageOf(entry: Entry): FlagUsage {
  const counts: EvaluationCount[] = [];
  for (const [id, count] of entry.counts) {
    const cut = id.indexOf('\u0000');
    counts.push({ variant: id.slice(0, cut), reason: id.slice(cut + 1), count });
  }
  counts.sort((a, b) => b.count - a.count);
  return {
    key: entry.key,
    ...(entry.flagSetId === undefined ? {} : { flagSetId: entry.flagSetId }),
    firstSeen: new Date(entry.firstSeen).toISOString(),
    lastSeen: new Date(entry.lastSeen).toISOString(),
    evaluations: entry.evaluations,
    counts,
  };
}
