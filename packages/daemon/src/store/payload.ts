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

/**
 * JSON fragments of a generation's flags, by definition. A definition object belongs to one
 * source and never changes, so a generation takes the fragments of its predecessor for the
 * definitions they share and builds only the new ones. Plain maps, not one WeakMap keyed by
 * definitions: V8's minor GC keeps the values of young WeakMap keys alive, and each edit would
 * have carried its fragments through an extra scavenge.
 */
export class Fragments {
  private readonly own = new Map<FlagDefinition, string>();

  constructor(private previous: Fragments | undefined = undefined) {}

  of(merged: MergedFlag): string {
    let fragment = this.own.get(merged.flag);
    if (fragment === undefined) {
      fragment = this.previous?.own.get(merged.flag) ?? buildFragment(merged);
      this.own.set(merged.flag, fragment);
    }
    return fragment;
  }

  /** Forgets the predecessor (called once the next generation is built from this one). */
  detach(): void {
    this.previous = undefined;
  }
}

function buildFragment({ flag, sourceId }: MergedFlag): string {
  const body: JsonObject = {
    state: flag.state,
    defaultVariant: flag.defaultVariant ?? '',
    variants: flag.variants as JsonObject,
  };
  if (flag.targeting !== undefined) body.targeting = flag.targeting;
  if (Object.keys(flag.metadata).length > 0) body.metadata = { ...flag.metadata };
  body.source = sourceId;
  return `${JSON.stringify(flag.key)}:${JSON.stringify(body)}`;
}

/** The payload for flags already filtered by selector; a key in several sets appears once (the last wins). */
export function payloadJson(
  flags: readonly MergedFlag[],
  fragments: Fragments = new Fragments(),
): string {
  const byKey = new Map<string, MergedFlag>();
  for (const merged of flags) {
    byKey.delete(merged.flag.key);
    byKey.set(merged.flag.key, merged);
  }
  const parts: string[] = [];
  for (const merged of byKey.values()) parts.push(fragments.of(merged));
  return `{"flags":{${parts.join(',')}}}`;
}
