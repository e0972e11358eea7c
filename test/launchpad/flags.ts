// The launchpad's flag files: the testbed's flags/ copied to a work dir as
// rawflags/, and flags/allFlags.json generated from them the way launchpad/pkg/json.go does it:
// every rawflags/*.json except selector-* in filename order, deep-merged (objects merge key by
// key, anything else is replaced), so both `flags` and `$evaluators` of all files end up in one
// document, re-serialised (Go's encoding/json sorts map keys and indents by two spaces).
import {
  cpSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

export const RAW_DIR = 'rawflags';
export const MERGED_FILE = join('flags', 'allFlags.json');
export const CHANGING_FILE = join(RAW_DIR, 'changing-flag.json');
export const CHANGING_FLAG = 'changing-flag';

type JsonMap = { [key: string]: unknown };

function isMap(value: unknown): value is JsonMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** launchpad/pkg/json.go `deepMerge`: maps merge recursively, other values are replaced. */
export function deepMerge(target: JsonMap, source: JsonMap): JsonMap {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    target[key] = isMap(existing) && isMap(value) ? deepMerge(existing, value) : value;
  }
  return target;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isMap(value)) return value;
  const out: JsonMap = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeys(value[key]);
  return out;
}

/** The merged document of `rawDir` (selector-* files are served as their own sources). */
export function mergeRawFlags(rawDir: string): JsonMap {
  const files = readdirSync(rawDir)
    .filter((f) => f.endsWith('.json') && !f.startsWith('selector-'))
    .sort();
  let merged: JsonMap = {};
  for (const file of files) {
    const parsed: unknown = JSON.parse(readFileSync(join(rawDir, file), 'utf8'));
    if (!isMap(parsed)) throw new Error(`${file}: not a JSON object`);
    merged = deepMerge(merged, parsed);
  }
  return merged;
}

/** Writes `text` to `file` through a temp file and rename, so readers never see a partial file. */
export function writeAtomic(file: string, text: string): void {
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, file);
}

/** Regenerates `<workDir>/flags/allFlags.json` from `<workDir>/rawflags` (atomically). */
export function generateMergedFlags(workDir: string): string {
  const out = join(workDir, MERGED_FILE);
  mkdirSync(join(workDir, 'flags'), { recursive: true });
  const merged = sortKeys(mergeRawFlags(join(workDir, RAW_DIR)));
  writeAtomic(out, `${JSON.stringify(merged, null, 2)}\n`);
  return out;
}

export function deleteMergedFlags(workDir: string): void {
  rmSync(join(workDir, MERGED_FILE), { force: true });
}

/** Copies the testbed's flags/ to `<workDir>/rawflags` and generates the merged file. */
export function prepareWorkDir(testbedFlagsDir: string, workDir: string): void {
  rmSync(join(workDir, RAW_DIR), { recursive: true, force: true });
  cpSync(testbedFlagsDir, join(workDir, RAW_DIR), { recursive: true });
  generateMergedFlags(workDir);
}

/**
 * launchpad `/change`: toggles `changing-flag`'s defaultVariant foo↔bar in the work dir's
 * rawflags/changing-flag.json (atomic rename) and returns the new default variant.
 */
export function toggleChangingFlag(workDir: string): string {
  const file = join(workDir, CHANGING_FILE);
  const doc = JSON.parse(readFileSync(file, 'utf8')) as { flags: Record<string, JsonMap> };
  const flag = doc.flags[CHANGING_FLAG];
  if (!flag) throw new Error(`${file} has no ${CHANGING_FLAG}`);
  const next = flag.defaultVariant === 'foo' ? 'bar' : 'foo';
  flag.defaultVariant = next;
  writeAtomic(file, `${JSON.stringify(doc, null, 2)}\n`);
  return next;
}
