// The edits `switchyard set` makes to one flag's definition, as text edits (text-edit.ts): the
// default variant, the state, and the `incident` metadata that lets a kill switch through the CI
// gate. Each changes one scalar or adds or removes one pair; nothing else in the file moves.
import type { PathSegment } from '../flags/positions.js';
import { FlagEditRefusedError } from '../errors/flag-edit-refused-error.js';
import { INCIDENT_KEY } from './incident.js';
import { insertPair, openDocument, removePair, renderString, replaceString } from './text-edit.js';

export interface FlagEditRequest {
  readonly variant?: string | undefined;
  readonly state?: 'ENABLED' | 'DISABLED' | undefined;
  /** Record this reason in the flag's `incident` metadata. */
  readonly incident?: string | undefined;
  /** Remove the flag's `incident` metadata (the incident is over). */
  readonly clearIncident?: boolean;
}

export interface FlagEditTarget {
  readonly text: string;
  /** `['flags', key]` or `['flags', index]`. */
  readonly path: readonly PathSegment[];
  readonly raw: Readonly<Record<string, unknown>>;
  /** For messages. */
  readonly file: string;
  readonly key: string;
}

function must(text: string | undefined, target: FlagEditTarget, what: string): string {
  if (text === undefined) {
    throw new FlagEditRefusedError(
      `cannot ${what} of flag "${target.key}" in ${target.file} without rewriting more than that value; edit it by hand`,
    );
  }
  return text;
}

function setScalar(
  text: string,
  target: FlagEditTarget,
  field: 'state' | 'defaultVariant',
  value: string,
) {
  const doc = openDocument(text);
  if (Object.hasOwn(target.raw, field)) {
    return must(replaceString(doc, [...target.path, field], value), target, `set ${field}`);
  }
  const rendered = renderString(doc, value);
  return must(
    insertPair(doc, { mapPath: target.path, after: 'state' }, { name: field, value: rendered }),
    target,
    `add ${field}`,
  );
}

function setIncident(text: string, target: FlagEditTarget, reason: string): string {
  const doc = openDocument(text);
  const metadata = target.raw.metadata;
  const metaPath = [...target.path, 'metadata'];
  if (typeof metadata === 'object' && metadata !== null && Object.keys(metadata).length > 0) {
    if (Object.hasOwn(metadata, INCIDENT_KEY)) {
      return must(
        replaceString(doc, [...metaPath, INCIDENT_KEY], reason),
        target,
        'set the incident',
      );
    }
    const value = renderString(doc, reason);
    return must(
      insertPair(doc, { mapPath: metaPath }, { name: INCIDENT_KEY, value }),
      target,
      'record the incident',
    );
  }
  const value = `{ ${doc.json ? JSON.stringify(INCIDENT_KEY) : INCIDENT_KEY}: ${JSON.stringify(reason)} }`;
  return must(
    insertPair(doc, { mapPath: target.path }, { name: 'metadata', value }),
    target,
    'record the incident',
  );
}

/** The file's text with the flag edited as asked (unchanged when it already is so). */
export function editFlag(target: FlagEditTarget, request: FlagEditRequest): string {
  let text = target.text;
  if (request.state !== undefined && target.raw.state !== request.state) {
    text = setScalar(text, target, 'state', request.state);
  }
  if (request.variant !== undefined && target.raw.defaultVariant !== request.variant) {
    text = setScalar(text, target, 'defaultVariant', request.variant);
  }
  const metadata = target.raw.metadata as Record<string, unknown> | undefined;
  if (request.incident !== undefined && metadata?.[INCIDENT_KEY] !== request.incident) {
    text = setIncident(text, target, request.incident);
  } else if (
    request.clearIncident &&
    metadata !== undefined &&
    Object.hasOwn(metadata, INCIDENT_KEY)
  ) {
    text = must(
      removePair(openDocument(text), [...target.path, 'metadata'], INCIDENT_KEY),
      target,
      'remove the incident',
    );
  }
  return text;
}
