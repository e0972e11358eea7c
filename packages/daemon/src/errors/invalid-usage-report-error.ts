import { SwitchyardError } from '../engine.js';

/** A usage report from a provider is malformed or over a bound (gRPC INVALID_ARGUMENT). */
export class InvalidUsageReportError extends SwitchyardError {
  readonly code = 'INVALID_USAGE_REPORT';

  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_USAGE_REPORT', message, options);
  }
}
