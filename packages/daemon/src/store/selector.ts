// flagd's selector grammar (open-feature/flagd:core/pkg/store/query.go): `flagSetId=<id>`,
// `source=<uri>`, a bare `<value>` (= source), `flagSetId=` (flags without a set). The string is
// split at the first `=`, so commas are not parsed; any other key is INVALID_ARGUMENT.
import { InvalidSelectorError } from '../errors/invalid-selector-error.js';

export type Selector =
  | { readonly kind: 'all' }
  | { readonly kind: 'flagSetId'; readonly flagSetId: string | undefined }
  | { readonly kind: 'source'; readonly source: string };

export function parseSelector(text: string | undefined): Selector {
  const value = (text ?? '').trim();
  if (value === '') return { kind: 'all' };
  const eq = value.indexOf('=');
  if (eq < 0) return { kind: 'source', source: value };
  const key = value.slice(0, eq).trim();
  const arg = value.slice(eq + 1).trim();
  if (key === 'flagSetId') return { kind: 'flagSetId', flagSetId: arg === '' ? undefined : arg };
  if (key === 'source') return { kind: 'source', source: arg };
  throw new InvalidSelectorError(
    `unsupported selector key "${key}" in "${value}"; use flagSetId=<id>, source=<source> or a bare source`,
  );
}

/** A stable string per selector meaning: streams with equal keys share one encoded payload. */
export function selectorKey(selector: Selector): string {
  switch (selector.kind) {
    case 'all':
      return '*';
    case 'flagSetId':
      return selector.flagSetId === undefined ? 'set:' : `set=${selector.flagSetId}`;
    case 'source':
      return `src=${selector.source}`;
  }
}
