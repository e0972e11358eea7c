// @switchyard/daemon: the flagd-compatible sync daemon as a library, and the CLI behind it.
export { startDaemon } from './daemon.js';
export type { Daemon, DaemonOptions } from './daemon.js';
export type {
  AuditEntry,
  AuditView,
  ChangedField,
  FlagAudit,
  FlagSummary,
  GitAudit,
} from '@switchyard/gitops';
export { main } from './cli/main.js';
export type { MainIo } from './cli/main.js';
export { parseCommandLine } from './cli/command-line.js';
export type { CommandLine } from './cli/command-line.js';
export { resolveStartOptions } from './cli/resolve-options.js';
export type { ResolvedStart } from './cli/resolve-options.js';
export { START_COMMAND, START_OPTIONS } from './cli/spec.js';
export type { StartOption } from './cli/spec.js';
export { ALL_FLAGS, parseSelector } from './store/selector.js';
export type { Selector } from './store/selector.js';
export type { Generation } from './store/generation.js';
export type { FlagView } from './store/view.js';
export type { FlagChangeSet, MergedFlag } from './store/merge.js';
export type { StoreEvent } from './store/generation-store.js';
export type { SourceHealth, SourceStatus } from './store/source-state.js';
export type {
  HealthReport,
  ProblemReport,
  SourceReport,
} from './health/health-report.js';
export type { ReadinessStatus } from './health/readiness.js';
export type {
  SourceConfig,
  SourceProblem,
  SourceSpec,
  SourceUpdate,
} from '@switchyard/sources';
export { SYNC_SERVER_OPTIONS } from './sync/sync-server.js';
export { STATUS } from './remote/status.js';
export type { CallFailure, StatusCode } from './remote/status.js';
export type { CallInfo, CallInterceptor, Outcome, Protocol } from './remote/call.js';
export { InvalidSelectorError } from './errors/invalid-selector-error.js';
export { StartupError } from './errors/startup-error.js';
export { createLogger } from './logger.js';
export type { LogFormat, LoggerOptions } from './logger.js';
export type { TelemetryOptions } from './telemetry/telemetry.js';
export { VERSION } from './version.js';

/** The command name. */
export const DAEMON_NAME = 'switchyard';
