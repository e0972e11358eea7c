// The checks between editing a flag file and writing it: the edited text must parse as the
// daemon parses it, the edited flag must now be what was asked with everything else about it
// unchanged, every other flag of the file must be exactly as it was, and the file must have no
// validation error it did not have before (project config rules included). Any failure refuses
// the edit with the reason; nothing is written.
import { engine } from '../engine.js';
import type { FlagDefinition, JsonValue } from '../engine-types.js';
import { FlagEditRefusedError } from '../errors/flag-edit-refused-error.js';
import { readFlagDocument } from '../flags/document.js';
import { flagId } from '../flags/flag-id.js';
import type { LocatedFlag } from '../flags/located-flags.js';
import { sameJson } from '../flags/same-json.js';
import type { ProjectConfig } from '../validate/config.js';
import type { Finding } from '../validate/findings.js';
import { findingsOf } from '../validate/validate.js';
import type { FlagEditRequest } from './flag-edit.js';
import { INCIDENT_KEY } from './incident.js';

export interface EditCheck {
  readonly located: LocatedFlag;
  readonly text: string;
  readonly request: FlagEditRequest;
  readonly config: ProjectConfig;
  readonly now: number;
}

function flagsOf(text: string, source: string): FlagDefinition[] {
  const result = engine.parseFlags(text, { source, targetingErrors: 'isolate' });
  if (!result.ok || result.configuration === undefined) {
    const first = result.diagnostics.find((d) => d.severity === 'error');
    throw new FlagEditRefusedError(
      `the edited ${source} does not parse: ${first?.message ?? 'unknown error'}`,
    );
  }
  return [...result.configuration.flags];
}

const withoutIncident = (metadata: FlagDefinition['metadata']) => {
  const { [INCIDENT_KEY]: _, ...rest } = metadata;
  return rest as JsonValue;
};

function checkFlags(check: EditCheck): void {
  const { located, text, request } = check;
  const source = located.file.display;
  const before = flagsOf(located.text, source);
  const after = flagsOf(text, source);
  const id = flagId(located.definition);
  const others = (flags: FlagDefinition[]) =>
    flags.filter((f) => flagId(f) !== id).map((f) => f.contentHash);
  const edited = after.filter((f) => flagId(f) === id);
  const was = located.definition;
  const now = edited[edited.length - 1];
  const broken = (why: string) =>
    new FlagEditRefusedError(`the edit of ${source} went wrong (${why}); nothing was written`);
  if (!sameJson(others(before), others(after))) throw broken('another flag changed');
  if (now === undefined) throw broken(`flag "${was.key}" is gone`);
  if (request.state !== undefined && now.state !== request.state) throw broken('state');
  if (request.variant !== undefined && now.defaultVariant !== request.variant)
    throw broken('defaultVariant');
  if (
    !sameJson(now.variants as JsonValue, was.variants as JsonValue) ||
    !sameJson(now.targeting, was.targeting) ||
    !sameJson(withoutIncident(now.metadata), withoutIncident(was.metadata))
  )
    throw broken('another field of the flag changed');
}

const findingKey = (f: Finding) => `${f.ruleId}\u0000${f.flagKey ?? ''}\u0000${f.path ?? ''}`;
const shown = (f: Finding) =>
  `${f.file}:${f.line}:${f.column}: ${f.severity} ${f.ruleId}: ${f.message}`;

/** Checks the edit (see above); returns the edited flag's new warnings, for the user to see. */
export function checkEdit(check: EditCheck): string[] {
  checkFlags(check);
  const { located, text, config, now } = check;
  const before = findingsOf([readFlagDocument(located.file, located.text)], config, now);
  const after = findingsOf([readFlagDocument(located.file, text)], config, now);
  const known = new Set(before.map(findingKey));
  const added = after.filter((f) => !known.has(findingKey(f)));
  const errors = added.filter((f) => f.severity === 'error');
  if (errors.length > 0) {
    const hint = errors.some((f) => f.ruleId === 'kill-switch-default')
      ? '\nIn an incident, say why with --incident REASON: it is recorded in the flag and the audit trail, and lets the change through validate and the diff gate.'
      : '';
    throw new FlagEditRefusedError(
      `the edited file would not validate; nothing was written:\n${errors.map((f) => `  ${shown(f)}`).join('\n')}${hint}`,
    );
  }
  return added.filter((f) => f.flagKey === located.definition.key).map(shown);
}
