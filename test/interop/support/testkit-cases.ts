// The cases of the provider parity tests: evaluation contexts that exercise every rule of the
// testbed's flags (targeting keys for the fractional buckets, the attributes the testkit's rules
// read, semver forms, nested objects), a flag's kind, and one typed resolve through a provider.
// Contexts are ASCII only: the official core hashes UTF-16 code units in `fractional`
// (docs/adr/0019). Shared by provider-flagd-parity.test.ts and provider-rpc-parity.test.ts.
import type {
  EvaluationContext,
  JsonValue,
  Provider,
  ResolutionDetails,
} from '@openfeature/server-sdk';

export const TESTKIT_CONTEXTS: readonly EvaluationContext[] = [
  {},
  { targetingKey: 'some-targeting-key' },
  { targetingKey: 'any-user' },
  ...Array.from({ length: 12 }, (_, i) => ({ targetingKey: `user-${i}` })),
  { email: 'ballmer@macrosoft.com' },
  { email: 'someone@faas.com', targetingKey: 'jon@company.com' },
  { id: 'abc-123' },
  { num: 123 },
  { tier: 'premium' },
  { tier: 'basic', targetingKey: 'user-3' },
  { color: 'yellow' },
  { color: 'blue', targetingKey: 'user-9' },
  { version: '1.0.0' },
  { version: '2.1.0' },
  { version: '1.2' },
  { version: 'v1.2.3' },
  { version: '1.0.0+build.5' },
  { version: '2.0.0.0' },
  { version: 1 },
  { version: 2.5 },
  ...['alice', 'bob', 'carol', 'dave', 'erin', 'frank'].map((name) => ({
    user: { name },
    targetingKey: `${name}-key`,
  })),
];

export type Kind = 'boolean' | 'string' | 'number' | 'object';

/** The type a flag is evaluated as: its first non-null variant's. */
export function kindOf(flag: { variants: Record<string, unknown> }): Kind {
  const first = Object.values(flag.variants).find((v) => v !== null);
  if (typeof first === 'boolean' || typeof first === 'string' || typeof first === 'number') {
    return typeof first as Kind;
  }
  return 'object';
}

const defaults: Record<Kind, JsonValue> = {
  boolean: false,
  string: 'code-default',
  number: -1,
  object: { code: 'default' },
};

export interface ResolvedCase {
  readonly value: unknown;
  readonly variant: string | undefined;
  readonly reason: string | undefined;
  readonly errorCode: string | undefined;
  readonly flagMetadata?: unknown;
}

/** One typed resolve through `provider` (the kind's default), the fields a parity test compares. */
export async function resolveDetails(
  provider: Provider,
  kind: Kind,
  key: string,
  ctx: EvaluationContext,
  options: { readonly metadata?: boolean } = {},
): Promise<ResolvedCase> {
  const logger = { error() {}, warn() {}, info() {}, debug() {} };
  let result: ResolutionDetails<unknown>;
  switch (kind) {
    case 'boolean':
      result = await provider.resolveBooleanEvaluation(key, false, ctx, logger);
      break;
    case 'string':
      result = await provider.resolveStringEvaluation(key, 'code-default', ctx, logger);
      break;
    case 'number':
      result = await provider.resolveNumberEvaluation(key, -1, ctx, logger);
      break;
    default:
      result = await provider.resolveObjectEvaluation(key, defaults.object, ctx, logger);
  }
  return {
    value: result.value,
    variant: result.variant,
    reason: result.reason,
    errorCode: result.errorCode,
    ...(options.metadata ? { flagMetadata: result.flagMetadata ?? {} } : {}),
  };
}
