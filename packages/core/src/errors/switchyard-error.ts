import type { SwitchyardErrorCode } from './error-codes.js';

/**
 * Base of every error Switchyard raises on purpose, in every package. `code` is stable,
 * machine-readable and a row of ERROR_CODES (exit code, gRPC and HTTP status); the message
 * always starts with it (`CONFIGURATION_INVALID: ...`), so logs are greppable. Subclasses live
 * one per file and pass only the text after the code.
 */
export abstract class SwitchyardError extends Error {
  abstract readonly code: SwitchyardErrorCode;

  protected constructor(code: SwitchyardErrorCode, message: string, options?: { cause?: unknown }) {
    super(
      `${code}: ${message}`,
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = new.target.name;
  }
}
