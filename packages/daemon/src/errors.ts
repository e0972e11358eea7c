// Typed errors of the daemon. Messages lead with the code so logs and tests can match on it.

/** Base class of every error the daemon raises on purpose. */
export abstract class DaemonError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A command line, environment variable or config file is wrong; the CLI exits with code 2. */
export class UsageError extends DaemonError {
  readonly code = 'USAGE';
}

// A source URI or provider no scheme serves (yet), e.g. `kubernetes`; raised by the scheme table.
export { UnsupportedSourceError } from '@switchyard/sources';

/** A selector with a key other than `flagSetId` or `source` (gRPC INVALID_ARGUMENT). */
export class InvalidSelectorError extends DaemonError {
  readonly code = 'INVALID_SELECTOR';
}

/** The daemon could not start: a port in use, a missing TLS key, ... */
export class StartupError extends DaemonError {
  readonly code = 'STARTUP';
}
