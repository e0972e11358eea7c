import type { Checkout, CheckoutSpec } from './reference-checkout.cjs';

export declare const TESTBED: CheckoutSpec;
export declare function locateTestbed(options?: {
  readonly root?: string;
  readonly env?: NodeJS.ProcessEnv;
}): Checkout;
export declare function describeTestbed(checkout: Checkout): string;
