/**
 * Base of every error @switchyard/core throws. `code` is stable and machine-readable; the
 * message always starts with it (`CONFIGURATION_INVALID: ...`), so logs are greppable.
 */
export abstract class SwitchyardError extends Error {
  abstract readonly code: string;

  protected constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(
      `${code}: ${message}`,
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = new.target.name;
  }
}
