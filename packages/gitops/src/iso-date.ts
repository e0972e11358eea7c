// ISO 8601 dates as flag metadata (`expires`) and the `--now` option write them.
const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Milliseconds of an ISO 8601 date or date-time (date-only = 00:00 UTC), else undefined. */
export function parseIsoDate(value: string): number | undefined {
  const m = ISO_DATE.exec(value.trim());
  if (m === null) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const day = new Date(Date.UTC(y, mo - 1, d));
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d)
    return undefined;
  if (m[4] === undefined) return day.getTime();
  const ms = Date.parse(m[7] === undefined ? `${value.trim()}Z` : value.trim());
  return Number.isNaN(ms) ? undefined : ms;
}
