// The `incident` metadata of a flag: why it was changed outside the usual review, written by
// `switchyard set --incident REASON`. validate reports a kill switch that is off with one as a
// warning instead of an error, `diff --max-impact` lets its flag through (and says so), and the
// audit trail records the reason with the generation that served it.

/** The metadata key that records why a flag was changed during an incident. */
export const INCIDENT_KEY = 'incident';

/** The incident reason in flag metadata, if there is one. */
export function incidentIn(metadata: Readonly<Record<string, unknown>>): string | undefined {
  const reason = metadata[INCIDENT_KEY];
  return typeof reason === 'string' && reason.trim() !== '' ? reason : undefined;
}
