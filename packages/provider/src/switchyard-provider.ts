/** Placeholder until the provider issue lands. */
export class SwitchyardProvider {
  readonly metadata = { name: 'switchyard' } as const;
  readonly runsOn = 'server' as const;
}
