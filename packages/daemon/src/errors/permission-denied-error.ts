import { SwitchyardError } from '../engine.js';

/**
 * An authenticated client asked for a selector or an endpoint --auth-config does not allow it
 * (gRPC PERMISSION_DENIED, HTTP 403).
 */
export class PermissionDeniedError extends SwitchyardError {
  readonly code = 'PERMISSION_DENIED';

  constructor(message: string, options?: { cause?: unknown }) {
    super('PERMISSION_DENIED', message, options);
  }
}
