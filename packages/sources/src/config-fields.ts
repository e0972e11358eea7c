// Typed reads of a `--sources` entry's optional fields (flagd's names:
// open-feature/flagd:core/pkg/sync/isync.go). A field of the wrong type is a UsageError naming
// the entry and the field, never a silent default.
import { UsageError } from '@switchyard/core';
import type { SourceConfig } from './scheme.js';

/** A value by its type only: fields such as authHeader hold secrets, never printed. */
const typeOf = (value: unknown) => (Array.isArray(value) ? 'an array' : `a ${typeof value}`);

const wrong = (config: SourceConfig, field: string, expected: string, shown?: string) =>
  new UsageError(
    `the --sources entry for "${config.uri}": "${field}" must be ${expected}, not ${shown ?? typeOf(config[field])}`,
  );

/** A string field; undefined when absent (or empty, which flagd treats as unset). */
export function stringField(config: SourceConfig, field: string): string | undefined {
  const value = config[field];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw wrong(config, field, 'a string');
  return value;
}

export function booleanField(config: SourceConfig, field: string): boolean | undefined {
  const value = config[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw wrong(config, field, 'true or false');
  return value;
}

/** An integer field within [min, max]; undefined when absent or 0 (flagd's "unset"). */
export function integerField(
  config: SourceConfig,
  field: string,
  range: { readonly min: number; readonly max: number },
): number | undefined {
  const value = config[field];
  if (value === undefined || value === null || value === 0) return undefined;
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < range.min ||
    value > range.max
  )
    throw wrong(
      config,
      field,
      `an integer from ${range.min} to ${range.max}`,
      typeof value === 'number' ? String(value) : undefined,
    );
  return value;
}

/** Header names are HTTP tokens; values may not hold line breaks (no header injection). */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** `headers`: an object of header name → string value. */
export function headersField(
  config: SourceConfig,
  field = 'headers',
): Readonly<Record<string, string>> {
  const value = config[field];
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw wrong(config, field, 'an object of header names to strings');
  const headers: Record<string, string> = {};
  for (const [name, text] of Object.entries(value)) {
    if (!TOKEN.test(name) || typeof text !== 'string' || /[\r\n\0]/.test(text)) {
      throw new UsageError(
        `the --sources entry for "${config.uri}": header ${JSON.stringify(name)} must be a header name with a one-line string value`,
      );
    }
    headers[name] = text;
  }
  return headers;
}
