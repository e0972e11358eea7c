// Where `stale` reads usage from: the daemon's usage file (`--usage FILE`) or a running daemon
// (`--daemon URL`, its management port's GET /ui/api/usage), and how it finds a flag in it.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError } from '@switchyard/core';
import { InputError } from '../errors/input-error.js';
import {
  type FlagUsage,
  MAX_USAGE_BYTES,
  parseUsageRecord,
  type UsageRecord,
} from '../usage/usage-record.js';

export interface UsageLookup {
  readonly record: UsageRecord;
  /** The flag's usage: its set's, else what was reported for the key without a set. */
  flag(key: string, flagSetId: string | undefined): FlagUsage | undefined;
}

/** The management base URL given as `host:port` or `http(s)://host:port[/]`. */
export function daemonBase(url: string): string {
  const withScheme = /^https?:\/\//i.test(url) ? url : `http://${url}`;
  try {
    return new URL(withScheme).toString().replace(/\/+$/, '');
  } catch {
    throw new UsageError(
      `--daemon must be the daemon's management URL (http://host:8014), not "${url}"`,
    );
  }
}

async function fromDaemon(url: string): Promise<UsageRecord> {
  const at = `${daemonBase(url)}/ui/api/usage`;
  let response: Response;
  try {
    response = await fetch(at, { signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    throw new InputError(`cannot reach ${at}: ${(error as Error).message}`);
  }
  if (!response.ok) throw new InputError(`${at} answered ${response.status}`);
  const text = await response.text();
  if (text.length > MAX_USAGE_BYTES) throw new InputError(`${at}: the answer is too large`);
  return parseUsageRecord(text, at);
}

async function fromFile(path: string): Promise<UsageRecord> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read the usage file ${path}: ${(error as Error).message}`);
  }
  return parseUsageRecord(text, path);
}

export function usageLookup(record: UsageRecord): UsageLookup {
  const bySet = new Map<string, FlagUsage>();
  const byKey = new Map<string, FlagUsage>();
  for (const f of record.flags) {
    bySet.set(`${f.flagSetId ?? ''}\u0000${f.key}`, f);
    if (f.flagSetId === undefined) byKey.set(f.key, f);
  }
  return {
    record,
    flag: (key, flagSetId) => bySet.get(`${flagSetId ?? ''}\u0000${key}`) ?? byKey.get(key),
  };
}

/** Usage from `file` or `daemon` (at most one); undefined when neither is given. */
export async function loadUsage(
  from: { file: string | undefined; daemon: string | undefined },
  cwd: string,
): Promise<UsageLookup | undefined> {
  if (from.file !== undefined && from.daemon !== undefined)
    throw new UsageError('give --usage or --daemon, not both');
  if (from.file !== undefined) return usageLookup(await fromFile(resolve(cwd, from.file)));
  if (from.daemon !== undefined) return usageLookup(await fromDaemon(from.daemon));
  return undefined;
}
