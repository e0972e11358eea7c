// The console's JSON API (GET/POST /ui/api/...), shared by the daemon and the browser code in
// packages/daemon/ui. Self-contained on purpose: the browser build imports this file and nothing
// else of the daemon. The daemon builds these shapes from the store, the audit trail (whose
// entries match ApiAuditEntry) and the usage store (UsageRecord matches ApiUsage); the compiler
// checks that the server's values fit.

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export type StaleReasonId = 'expired' | 'single-variant' | 'unused' | 'unreferenced';

export interface ApiStaleReason {
  readonly reason: StaleReasonId;
  readonly message: string;
  readonly since?: string;
}

/** One row of the catalog. */
export interface CatalogFlag {
  readonly key: string;
  readonly flagSetId?: string;
  readonly source: string;
  /** The file that defines the flag, relative to the daemon's working directory, and the line. */
  readonly file?: string;
  readonly line?: number;
  readonly state: string;
  readonly defaultVariant: string | null;
  readonly variants: readonly string[];
  readonly targeting: boolean;
  readonly owner?: string;
  readonly description?: string;
  readonly expires?: string;
  /** `metadata.lifecycle` when set, else derived: expired, expiring, permanent or active. */
  readonly lifecycle: string;
  readonly stale: readonly ApiStaleReason[];
  /** The rule error the flag is served with (it evaluates to PARSE_ERROR). */
  readonly ruleError?: string;
  readonly incident?: string;
  readonly evaluations: number;
  readonly lastSeen?: string;
}

export interface ConsoleOverview {
  readonly generation: number;
  /** ISO time of the generation's publication. */
  readonly publishedAt?: string;
  /** The health status (/readyz): starting, ok, degraded, unavailable. */
  readonly status: string;
  readonly usageSince: string;
  readonly flags: readonly CatalogFlag[];
}

export interface ApiSplit {
  /** Where the `fractional` sits in the rule (`targeting.if[2]`). */
  readonly path: string;
  /** The bucketing expression when it is not the default (flagKey + targetingKey). */
  readonly bucketBy?: Json;
  readonly buckets: readonly { readonly variant: string; readonly weight: number }[];
}

export interface ApiEvaluationCount {
  readonly variant: string;
  readonly reason: string;
  readonly count: number;
}

export interface ApiFlagUsage {
  readonly key: string;
  readonly flagSetId?: string;
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly evaluations: number;
  readonly counts: readonly ApiEvaluationCount[];
}

export interface ApiFlagSummary {
  readonly state: string;
  readonly defaultVariant: string | null;
  readonly variants: readonly string[];
  readonly targeting: boolean;
  readonly incident?: string;
}

export interface ApiFlagAudit {
  readonly key: string;
  readonly flagSetId?: string;
  readonly source: string;
  readonly before?: ApiFlagSummary;
  readonly after?: ApiFlagSummary;
  readonly fields?: readonly string[];
}

export interface ApiGitAudit {
  readonly source: string;
  readonly repository: string;
  readonly head: string;
  readonly dirty: boolean;
  readonly commit?: {
    readonly sha: string;
    readonly author: string;
    readonly email: string;
    readonly time: string;
  };
}

export interface ApiAuditEntry {
  readonly generation: number;
  readonly time: string;
  readonly sources: readonly string[];
  readonly hash: string;
  readonly flags: number;
  readonly added: readonly ApiFlagAudit[];
  readonly changed: readonly ApiFlagAudit[];
  readonly removed: readonly ApiFlagAudit[];
  readonly git: readonly ApiGitAudit[];
}

export interface FlagDetail extends CatalogFlag {
  readonly generation: number;
  readonly variantValues: readonly { readonly name: string; readonly value: Json }[];
  readonly rule?: Json;
  readonly metadata: Readonly<Record<string, string | number | boolean>>;
  readonly splits: readonly ApiSplit[];
  readonly usage?: ApiFlagUsage;
  /** Audit entries of the recent generations that added, changed or removed the flag. */
  readonly audit: readonly {
    readonly generation: number;
    readonly time: string;
    readonly kind: 'added' | 'changed' | 'removed';
    readonly change: ApiFlagAudit;
    readonly git: readonly ApiGitAudit[];
  }[];
}

export interface ApiFlagCommit {
  readonly sha: string;
  readonly author: string;
  readonly email: string;
  readonly time: string;
  readonly subject: string;
  readonly change: 'added' | 'changed' | 'removed' | 'unchanged';
}

export interface ApiFlagHistory {
  readonly file?: string;
  readonly repository?: string;
  readonly path?: string;
  readonly commits: readonly ApiFlagCommit[];
  readonly truncated: boolean;
}

export interface ExplainRequest {
  readonly key: string;
  readonly flagSetId?: string;
  readonly context: { readonly [key: string]: Json };
}

export interface ApiTraceNode {
  readonly op: string;
  readonly path: string;
  readonly args?: readonly unknown[];
  readonly result: unknown;
  readonly detail?: Readonly<Record<string, unknown>>;
  readonly children?: readonly ApiTraceNode[];
}

export interface ExplainResponse {
  readonly generation: number;
  readonly result: {
    readonly value?: Json;
    readonly variant?: string;
    readonly reason: string;
    readonly errorCode?: string;
    readonly errorMessage?: string;
    readonly flagMetadata: Readonly<Record<string, string | number | boolean>>;
  };
  readonly trace: {
    readonly why: string;
    readonly rule?: ApiTraceNode;
    readonly ruleResult?: unknown;
  };
}

export interface ApiProblem {
  readonly entry: string;
  readonly code: string;
  readonly message: string;
  readonly since: string;
}

export interface ApiSourceHealth {
  readonly source: string;
  readonly status: string;
  readonly flags: number;
  readonly generation?: number;
  readonly problems: readonly ApiProblem[];
  readonly ruleErrors: readonly string[];
  readonly moreProblems?: number;
  readonly moreRuleErrors?: number;
}

export interface ApiHealth {
  readonly status: string;
  readonly ready: boolean;
  readonly generation: number;
  readonly sources: readonly ApiSourceHealth[];
  /** Flags served with a rule error, each with file:line:col (the console adds them). */
  readonly ruleErrors?: readonly { readonly key: string; readonly message: string }[];
}

export interface ApiUsage {
  readonly format: string;
  readonly since: string;
  readonly updated: string;
  readonly dropped: number;
  readonly flags: readonly ApiFlagUsage[];
}

/** What the live event stream (GET /ui/api/events, server-sent events) announces. */
export type LiveEventName = 'generation' | 'audit' | 'health' | 'usage';
