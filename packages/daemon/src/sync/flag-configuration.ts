// The JSON flagd puts in SyncFlagsResponse.flag_configuration and FetchAllFlagsResponse
// (https://flagd.dev/reference/specifications/protos/, open-feature/flagd:
// flagd/pkg/service/flag-sync/handler.go):
// {"flags":{"<key>":{"state","defaultVariant","variants","targeting"?,"metadata"?,"source"}}}
// with `$ref`s inlined, set metadata merged (incl. flagSetId), `defaultVariant` "" when there
// is none, and no `key`, top-level `metadata` or `$evaluators`. Built once per view.
import type { FlagDefinition, JsonObject } from '../engine.js';
import { cacheSlot } from '../store/cache-slot.js';
import type { Generation } from '../store/generation.js';
import type { MergedFlag } from '../store/merge.js';
import type { FlagView } from '../store/view.js';

/**
 * JSON fragments of a generation's flags, by definition. A definition object belongs to one
 * source and never changes, so a generation takes the fragments of its predecessor (while it is
 * linked) for the definitions they share and builds only the new ones. Plain maps, not one
 * WeakMap keyed by definitions: V8's minor GC keeps the values of young WeakMap keys alive, and
 * each edit would have carried its fragments through an extra scavenge.
 */
class Fragments {
  readonly own = new Map<FlagDefinition, string>();

  constructor(private readonly generation: Generation) {}

  of(merged: MergedFlag): string {
    let fragment = this.own.get(merged.flag);
    if (fragment === undefined) {
      const inherited = this.generation.previous?.peek(FRAGMENTS)?.own.get(merged.flag);
      fragment = inherited ?? buildFragment(merged);
      this.own.set(merged.flag, fragment);
    }
    return fragment;
  }
}

const FRAGMENTS = cacheSlot<Generation, Fragments>('sync:fragments', (g) => new Fragments(g));

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

/**
 * One join, with the braces on the first and last fragment: `{"flags":{` + joined + `}}` would be
 * a cons string, flattened into a second copy of the whole payload (~1 MB of garbage per edit of a
 * 1 MB flag set) the first time it is compared or written.
 */
const FLAG_CONFIGURATION = cacheSlot<FlagView, string>('sync:flag-configuration', (view) => {
  const fragments = view.generation.cached(FRAGMENTS);
  const parts: string[] = [];
  for (const merged of view.flags.values()) parts.push(fragments.of(merged));
  if (parts.length === 0) return '{"flags":{}}';
  parts[0] = `{"flags":{${parts[0]}`;
  parts[parts.length - 1] += '}}';
  return parts.join(',');
});

/** The view's flag_configuration JSON (one flag per key, as the view holds them). */
export function flagConfigurationJson(view: FlagView): string {
  return view.cached(FLAG_CONFIGURATION);
}

/** The view's flag_configuration JSON if it was built, without building it. */
export function builtFlagConfigurationJson(view: FlagView): string | undefined {
  return view.peek(FLAG_CONFIGURATION);
}
