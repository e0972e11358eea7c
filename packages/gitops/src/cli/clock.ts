// The clock of the gitops commands (expiry rules, `$flagd.timestamp`): `--now DATE`, else
// `$SWITCHYARD_NOW`, else the real time, so CI runs can be pinned.
import { UsageError } from '@switchyard/core';
import { parseIsoDate } from '../iso-date.js';
import type { CliIo } from './io.js';
import { optionValue } from './option-values.js';
import type { ParsedArgs } from './parse-args.js';

/** A clock value: an ISO 8601 date/date-time or epoch milliseconds; `fallback` when unset. */
export function clockOf(raw: string | undefined, fallback: () => number, what: string): number {
  if (raw === undefined || raw === '') return fallback();
  if (/^\d+$/.test(raw)) return Number(raw);
  const at = parseIsoDate(raw);
  if (at === undefined)
    throw new UsageError(`${what} must be an ISO 8601 date or epoch milliseconds, not "${raw}"`);
  return at;
}

/** `--now`, then `injected` (tests), then `$SWITCHYARD_NOW`, then the real clock. */
export function commandNow(args: ParsedArgs, io: CliIo, injected?: () => number): number {
  const cli = optionValue(args, 'now');
  if (cli !== undefined) return clockOf(cli, Date.now, '--now');
  return injected?.() ?? clockOf(io.env.SWITCHYARD_NOW, Date.now, 'SWITCHYARD_NOW');
}
