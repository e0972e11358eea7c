// Seeded flag fixtures for the provider benchmark (the same flags for every provider).

/** A configuration of `count` flags: static booleans, targeted strings and fractional splits. */
export function benchFlags(count: number): { flags: Record<string, unknown> } {
  const flags: Record<string, unknown> = {
    'bench-bool': {
      state: 'ENABLED',
      variants: { on: true, off: false },
      defaultVariant: 'on',
    },
    'bench-string': {
      state: 'ENABLED',
      variants: { gold: 'gold-experience', standard: 'standard-experience' },
      defaultVariant: 'standard',
      targeting: {
        if: [
          {
            and: [
              { '==': [{ var: 'tier' }, 'gold'] },
              { ends_with: [{ var: 'email' }, '@example.com'] },
            ],
          },
          'gold',
          'standard',
        ],
      },
    },
  };
  for (let i = 0; flags && Object.keys(flags).length < count; i++) {
    const kind = i % 3;
    flags[`flag-${i}`] =
      kind === 0
        ? { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'off' }
        : kind === 1
          ? {
              state: 'ENABLED',
              variants: { a: `a-${i}`, b: `b-${i}` },
              defaultVariant: 'a',
              targeting: { if: [{ in: [{ var: 'country' }, ['de', 'fr', 'nl']] }, 'b', null] },
            }
          : {
              state: 'ENABLED',
              variants: { x: i, y: i + 1 },
              defaultVariant: 'x',
              targeting: {
                fractional: [
                  ['x', 50],
                  ['y', 50],
                ],
              },
            };
  }
  return { flags };
}

export const benchContext = {
  targetingKey: 'user-4711',
  tier: 'gold',
  email: 'jane@example.com',
  country: 'de',
};
