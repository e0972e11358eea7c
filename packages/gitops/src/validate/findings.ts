// What `validate` reports: one finding per problem, from core's diagnostics or a lifecycle rule.
import type { RuleId } from './config.js';

export interface Finding {
  /** A lifecycle rule id (config.ts) or `core/<CODE>` for core's schema/semantic diagnostics. */
  readonly ruleId: string;
  readonly severity: 'error' | 'warning';
  readonly message: string;
  /** Display path of the file, relative to cwd. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly flagKey?: string;
  /** JSON path of the offending value, when known. */
  readonly path?: string;
}

export interface RuleDescription {
  readonly id: string;
  readonly summary: string;
  readonly defaultLevel: 'error' | 'warning' | 'none';
}

export const RULE_SUMMARIES: Readonly<Record<RuleId, string>> = {
  'owner-required': 'Every flag names an owner in its metadata.',
  expired: 'A flag past its metadata expiry date must be removed or extended.',
  'expiring-soon': 'A flag expires within the configured number of days.',
  'expires-invalid': 'The metadata expiry is not an ISO 8601 date.',
  'kill-switch-default':
    'A kill switch (key prefix) defaults to its enabled variant (true or "on").',
  'kill-switch-incident':
    'A kill switch is off with an incident reason in its metadata (switchyard set --incident).',
  'unreachable-variant': 'A variant that neither the default nor any targeting branch can return.',
  'duplicate-key': 'A flag key defined in more than one file of the same flag set.',
};

export const CORE_RULE_SUMMARY =
  'Schema or semantic problem reported by @switchyard/core (strict mode).';
