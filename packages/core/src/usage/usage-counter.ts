// Counting evaluations on the hot path, as cheaply as a counter can be: per flag key, per variant,
// an array indexed by reason, incremented in place. Two map lookups and an addition; nothing is
// allocated once a flag and variant were seen, no clock is read, no I/O. Bounded: flags and
// variants per flag past the limits are counted as dropped, never stored. `take()` hands the
// counts over and starts afresh (the provider's usage reporter sends them off the evaluation
// path); `each()` reads them in place (OpenTelemetry's observable counters, which report running
// totals when a reader collects).

/** OpenFeature's reasons, in a fixed order (an index each); anything else counts as UNKNOWN. */
export const REASONS = [
  'STATIC',
  'TARGETING_MATCH',
  'DEFAULT',
  'DISABLED',
  'ERROR',
  'SPLIT',
  'CACHED',
  'STALE',
  'UNKNOWN',
] as const;
const UNKNOWN = REASONS.length - 1;

function reasonIndex(reason: string): number {
  switch (reason) {
    case 'STATIC':
      return 0;
    case 'TARGETING_MATCH':
      return 1;
    case 'DEFAULT':
      return 2;
    case 'DISABLED':
      return 3;
    case 'ERROR':
      return 4;
    case 'SPLIT':
      return 5;
    case 'CACHED':
      return 6;
    case 'STALE':
      return 7;
    default:
      return UNKNOWN;
  }
}

interface FlagCounts {
  readonly flagSetId: string;
  /** Variant (`""`: none, the caller's default) → counts by reason index. */
  readonly variants: Map<string, number[]>;
  /**
   * The variant counted last and its counts: a flag mostly serves what it served before, and
   * core hands out the same variant string each time, so one pointer comparison usually
   * replaces the second map lookup.
   */
  lastVariant: string | undefined;
  lastCounts: number[] | undefined;
}

export interface CountedFlag {
  readonly key: string;
  readonly flagSetId: string;
  readonly counts: readonly {
    readonly variant: string;
    readonly reason: string;
    readonly count: number;
  }[];
}

export interface UsageCounterLimits {
  /** Flags counted per batch (default 10,000, as the daemon keeps). */
  readonly maxFlags: number;
  /** Variants counted per flag (default 64). */
  readonly maxVariants: number;
}

export class UsageCounter {
  private flags = new Map<string, FlagCounts>();
  private dropped = 0;
  private readonly limits: UsageCounterLimits;

  constructor(limits: Partial<UsageCounterLimits> = {}) {
    this.limits = { maxFlags: 10_000, maxVariants: 64, ...limits };
  }

  /** Counts one evaluation; `metadata` (the result's flag metadata) is read for a new flag only. */
  record(
    key: string,
    variant: string | undefined,
    reason: string,
    metadata: Readonly<Record<string, unknown>> | undefined,
  ): void {
    const flag = this.flags.get(key) ?? this.add(key, metadata);
    if (flag === undefined) return;
    let counts = flag.lastCounts;
    if (variant !== flag.lastVariant || counts === undefined) {
      counts = this.countsOf(flag, variant);
      if (counts === undefined) return;
    }
    counts[reasonIndex(reason)]++;
  }

  private add(
    key: string,
    metadata: Readonly<Record<string, unknown>> | undefined,
  ): FlagCounts | undefined {
    if (this.flags.size >= this.limits.maxFlags) {
      this.dropped++;
      return undefined;
    }
    const setId = metadata?.flagSetId;
    const flag: FlagCounts = {
      flagSetId: typeof setId === 'string' ? setId : '',
      variants: new Map(),
      lastVariant: undefined,
      lastCounts: undefined,
    };
    this.flags.set(key, flag);
    return flag;
  }

  private countsOf(flag: FlagCounts, variant: string | undefined): number[] | undefined {
    const name = variant ?? '';
    let counts = flag.variants.get(name);
    if (counts === undefined) {
      if (flag.variants.size >= this.limits.maxVariants) {
        this.dropped++;
        return undefined;
      }
      counts = new Array<number>(REASONS.length).fill(0);
      flag.variants.set(name, counts);
    }
    flag.lastVariant = variant;
    flag.lastCounts = counts;
    return counts;
  }

  /** Visits every non-zero count (since the last take) without resetting anything. */
  each(visit: (key: string, variant: string, reason: string, count: number) => void): void {
    for (const [key, flag] of this.flags) {
      for (const [variant, byReason] of flag.variants) {
        for (let i = 0; i < byReason.length; i++) {
          const count = byReason[i] as number;
          if (count > 0) visit(key, variant, REASONS[i] as string, count);
        }
      }
    }
  }

  /** True when nothing was counted since the last take. */
  get empty(): boolean {
    return this.flags.size === 0 && this.dropped === 0;
  }

  /** The counts so far, and a fresh start. */
  take(): { flags: CountedFlag[]; dropped: number } {
    const taken = this.flags;
    const dropped = this.dropped;
    this.flags = new Map();
    this.dropped = 0;
    const flags: CountedFlag[] = [];
    for (const [key, flag] of taken) {
      const counts: { variant: string; reason: string; count: number }[] = [];
      for (const [variant, byReason] of flag.variants) {
        byReason.forEach((count, i) => {
          if (count > 0) counts.push({ variant, reason: REASONS[i] as string, count });
        });
      }
      flags.push({ key, flagSetId: flag.flagSetId, counts });
    }
    return { flags, dropped };
  }
}
