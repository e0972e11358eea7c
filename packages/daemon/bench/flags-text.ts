// The bench's flag file: `count` boolean flags with targeting and metadata; flag-0's default
// variant and every flag's metadata.rev follow `generation`, so each generation changes all of them.
export function flagsText(count: number, generation: number): string {
  const flags: Record<string, unknown> = {};
  for (let i = 0; i < count; i++) {
    flags[`flag-${i}`] = {
      state: 'ENABLED',
      variants: { on: true, off: false },
      defaultVariant: i === 0 ? (generation % 2 ? 'on' : 'off') : 'off',
      targeting: { if: [{ in: [{ var: 'plan' }, ['pro', 'enterprise']] }, 'on', 'off'] },
      metadata: { owner: 'team-bench', rev: String(generation) },
    };
  }
  return JSON.stringify({ flags });
}
