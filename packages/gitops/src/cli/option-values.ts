// Typed reads of parsed options for the gitops commands (values are kept as text by the parser).
import { UsageError } from '@switchyard/core';
import { type ParsedArgs, parseBool } from './parse-args.js';

/** The value of a single-valued option (the last one given), if given. */
export function optionValue(args: ParsedArgs, name: string): string | undefined {
  const list = args.values.get(name);
  return list?.[list.length - 1];
}

/** A `bool` option: given without a value or as true (`--explain`, `--explain=true`). */
export function isSet(args: ParsedArgs, name: string): boolean {
  const raw = optionValue(args, name);
  return raw !== undefined && parseBool(raw) === true;
}

/** `--format` restricted to the allowed names. */
export function formatOf<T extends string>(
  args: ParsedArgs,
  allowed: readonly T[],
  fallback: T,
): T {
  const raw = optionValue(args, 'format');
  if (raw === undefined) return fallback;
  const found = allowed.find((a) => a === raw);
  if (found === undefined) {
    throw new UsageError(`--format must be one of ${allowed.join(', ')}, not "${raw}"`);
  }
  return found;
}

/** A non-negative integer option. */
export function intOf(args: ParsedArgs, name: string): number | undefined {
  const raw = optionValue(args, name);
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw))
    throw new UsageError(`--${name} must be a non-negative integer, not "${raw}"`);
  return Number(raw);
}
