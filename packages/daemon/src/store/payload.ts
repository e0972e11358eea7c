// The JSON flagd puts in SyncFlagsResponse.flag_configuration (flagd-daemon.md §5):
// {"flags":{"<key>":{"state","defaultVariant","variants","targeting"?,"metadata"?,"source"}}}
// with `$ref`s inlined, set metadata merged (incl. flagSetId), `defaultVariant` "" when there
// is none, and no `key`, top-level `metadata` or `$evaluators`.
import type { FlagDefinition, JsonObject } from '../engine.js';

/** A flag in a generation, with the source it came from. */
export interface MergedFlag {
  readonly flag: FlagDefinition;
  readonly sourceId: string;
}

// A flag definition object belongs to exactly one source and never changes, so its JSON
// fragment is built once and reused by every generation and selector that includes it.
const fragments = new WeakMap<FlagDefinition, string>();

export function flagFragment(merged: MergedFlag): string {
  const { flag } = merged;
  let fragment = fragments.get(flag);
  if (fragment === undefined) {
    const body: JsonObject = {
      state: flag.state,
      defaultVariant: flag.defaultVariant ?? '',
      variants: flag.variants as JsonObject,
    };
    if (flag.targeting !== undefined) body.targeting = flag.targeting;
    if (Object.keys(flag.metadata).length > 0) body.metadata = { ...flag.metadata };
    body.source = merged.sourceId;
    fragment = `${JSON.stringify(flag.key)}:${JSON.stringify(body)}`;
    fragments.set(flag, fragment);
  }
  return fragment;
}

/** The payload for flags already filtered by selector; a key in several sets appears once (the last wins). */
export function payloadJson(flags: readonly MergedFlag[]): string {
  const byKey = new Map<string, MergedFlag>();
  for (const merged of flags) {
    byKey.delete(merged.flag.key);
    byKey.set(merged.flag.key, merged);
  }
  const parts: string[] = [];
  for (const merged of byKey.values()) parts.push(flagFragment(merged));
  return `{"flags":{${parts.join(',')}}}`;
}
