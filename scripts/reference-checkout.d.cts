/** A public repository the tests read in place, and where to look for it. */
export interface CheckoutSpec {
  /** Directory name under ../shared, e.g. `flagd-testbed`. */
  readonly name: string;
  /** `owner/name` on GitHub, for messages. */
  readonly repository: string;
  /** The pinned release, compared with the checkout's version file. */
  readonly version: string;
  /** Path of the version file inside the checkout. */
  readonly versionFile: string;
  /** Environment variable that names a checkout explicitly. */
  readonly envVar: string;
  /** The git submodule's path, relative to the repository root. */
  readonly submodule: string;
  /** Paths that a usable checkout contains. */
  readonly markers: readonly string[];
}

export interface Checkout {
  /** Absolute path of the checkout. */
  readonly dir: string;
  /** Where it was found: the environment variable, the submodule or ../shared. */
  readonly origin: string;
  /** Contents of the version file, if it has one. */
  readonly version: string | undefined;
  /** False when the version file names another release than the pinned one. */
  readonly pinned: boolean;
}

export declare const REPOSITORY_ROOT: string;
export declare class ReferenceCheckoutMissingError extends Error {}
export declare function locateCheckout(
  spec: CheckoutSpec,
  options?: { readonly root?: string; readonly env?: NodeJS.ProcessEnv },
): Checkout;
export declare function describeCheckout(spec: CheckoutSpec, checkout: Checkout): string;
export declare function printCheckout(locate: () => Checkout): void;
