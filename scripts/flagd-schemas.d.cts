import type { Checkout, CheckoutSpec } from './reference-checkout.cjs';

type LocateOptions = { readonly root?: string; readonly env?: NodeJS.ProcessEnv };

export declare const SCHEMAS: CheckoutSpec;
export declare function locateSchemas(options?: LocateOptions): Checkout;
export declare function schemasJsonDir(options?: LocateOptions): string;
export declare function describeSchemas(checkout: Checkout): string;
