import { SwitchyardError } from '../engine.js';

/**
 * A request without a credential, or with one no client of --auth-config has (gRPC
 * UNAUTHENTICATED, HTTP 401). The message never contains the credential.
 */
export class UnauthenticatedError extends SwitchyardError {
  readonly code = 'UNAUTHENTICATED';

  constructor(message: string, options?: { cause?: unknown }) {
    super('UNAUTHENTICATED', message, options);
  }
}
