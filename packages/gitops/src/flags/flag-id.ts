import type { FlagDefinition } from '@switchyard/core';

/** A flag's identity across files and generations: its flag set and key (`flagSetId \0 key`). */
export function flagId(flag: Pick<FlagDefinition, 'key' | 'flagSetId'>): string {
  return `${flag.flagSetId ?? ''}\u0000${flag.key}`;
}

/** `key`, or `key (set "id")` when the flag belongs to a flag set. */
export function flagLabel(flag: Pick<FlagDefinition, 'key' | 'flagSetId'>): string {
  return flag.flagSetId === undefined ? flag.key : `${flag.key} (set "${flag.flagSetId}")`;
}
