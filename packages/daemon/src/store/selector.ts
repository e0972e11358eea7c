// flagd's selector grammar (https://flagd.dev/reference/selectors/, open-feature/flagd:
// core/pkg/store/query.go): `flagSetId=<id>`, `source=<uri>`, a bare `<value>` (= source),
// `flagSetId=` (flags without a set). The string is split at the first `=`, so commas are not
// parsed; any other key is INVALID_ARGUMENT. This is the daemon's one selector parser: every
// transport (sync, evaluation, OFREP, event streams) asks it, and it parses each distinct string
// once.
import { InvalidSelectorError } from '../errors/invalid-selector-error.js';

export type Selector =
  | { readonly kind: 'all'; readonly key: string }
  | { readonly kind: 'flagSetId'; readonly flagSetId: string | undefined; readonly key: string }
  | { readonly kind: 'source'; readonly source: string; readonly key: string }
  /**
   * The flags any of `members` selects (never parsed from a request: what --auth-config allows
   * a client that asked for no selector; auth/access-policy.ts).
   */
  | {
      readonly kind: 'any';
      readonly members: readonly Exclude<Selector, { kind: 'any' | 'all' }>[];
      readonly key: string;
    };

/**
 * `key` is a stable string per selector meaning (`*`, `set=<id>`, `set:`, `src=<source>`):
 * streams and views with equal keys share one view and one encoded payload.
 */
export const ALL_FLAGS: Selector = Object.freeze({ kind: 'all', key: '*' });

const flagSet = (flagSetId: string | undefined): Selector =>
  Object.freeze({
    kind: 'flagSetId',
    flagSetId,
    key: flagSetId === undefined ? 'set:' : `set=${flagSetId}`,
  });

const source = (id: string): Selector =>
  Object.freeze({ kind: 'source', source: id, key: `src=${id}` });

/** The union of `members` (its key is the same whatever their order). */
export function anyOf(members: readonly Exclude<Selector, { kind: 'any' | 'all' }>[]): Selector {
  const sorted = [...new Map(members.map((m) => [m.key, m])).values()].sort((a, b) =>
    a.key < b.key ? -1 : a.key > b.key ? 1 : 0,
  );
  return Object.freeze({
    kind: 'any',
    members: Object.freeze(sorted),
    key: `any(${sorted.map((m) => m.key).join('|')})`,
  });
}

function parse(text: string): Selector {
  const value = text.trim();
  if (value === '') return ALL_FLAGS;
  const eq = value.indexOf('=');
  if (eq < 0) return source(value);
  const key = value.slice(0, eq).trim();
  const arg = value.slice(eq + 1).trim();
  if (key === 'flagSetId') return flagSet(arg === '' ? undefined : arg);
  if (key === 'source') return source(arg);
  throw new InvalidSelectorError(
    `unsupported selector key "${key}" in "${value}"; use flagSetId=<id>, source=<source> or a bare source`,
  );
}

/** Selector strings come from callers: the cache is emptied when it reaches this size. */
const MAX_CACHED = 1024;
const parsed = new Map<string, Selector | InvalidSelectorError>();

/**
 * The selector of a `flagd-selector` header or request field (undefined or empty: every flag).
 * Parsed once per distinct string; throws InvalidSelectorError (the same instance for the same
 * string).
 */
export function parseSelector(text: string | undefined): Selector {
  if (text === undefined || text === '') return ALL_FLAGS;
  let entry = parsed.get(text);
  if (entry === undefined) {
    try {
      entry = parse(text);
    } catch (error) {
      if (!(error instanceof InvalidSelectorError)) throw error;
      entry = error;
    }
    if (parsed.size >= MAX_CACHED) parsed.clear();
    parsed.set(text, entry);
  }
  if (entry instanceof InvalidSelectorError) throw entry;
  return entry;
}
