// The launchpad's merged flag file (open-feature/flagd-testbed:launchpad/pkg/json.go).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testbedPath } from '../support/testbed.js';
import {
  deepMerge,
  generateMergedFlags,
  MERGED_FILE,
  prepareWorkDir,
  toggleChangingFlag,
} from './flags.js';

type Doc = {
  flags: Record<string, { defaultVariant?: string }>;
  $evaluators?: Record<string, unknown>;
};

let workDir: string;
beforeEach(() => {
  workDir = mkdtempSync(join(tmpdir(), 'switchyard-flags-'));
  prepareWorkDir(testbedPath('flags'), workDir);
});
afterEach(() => rmSync(workDir, { recursive: true, force: true }));

const merged = (): Doc => JSON.parse(readFileSync(join(workDir, MERGED_FILE), 'utf8')) as Doc;

test('deep merge: maps merge key by key, other values are replaced', () => {
  expect(deepMerge({ a: { x: 1, y: [1] }, b: 1 }, { a: { y: [2], z: 3 }, b: { c: 1 } })).toEqual({
    a: { x: 1, y: [2], z: 3 },
    b: { c: 1 },
  });
});

test('allFlags.json holds every flag and $evaluator of the non-selector files, no selector flags', () => {
  const raw = testbedPath('flags');
  const expectedKeys = new Set<string>();
  const evaluators = new Set<string>();
  for (const file of readdirSync(raw).filter(
    (f) => f.endsWith('.json') && !f.startsWith('selector-'),
  )) {
    const doc = JSON.parse(readFileSync(join(raw, file), 'utf8')) as Doc;
    for (const k of Object.keys(doc.flags ?? {})) expectedKeys.add(k);
    for (const k of Object.keys(doc.$evaluators ?? {})) evaluators.add(k);
  }
  const doc = merged();
  expect(new Set(Object.keys(doc.flags))).toEqual(expectedKeys);
  expect(new Set(Object.keys(doc.$evaluators ?? {}))).toEqual(evaluators);
  // zero-flags.json refers to is_ballmer, which only evaluator-refs.json defines.
  expect(doc.$evaluators).toHaveProperty('is_ballmer');
  expect(doc.flags).not.toHaveProperty('selector-flag');
  expect(doc.flags).toHaveProperty('changing-flag');
});

test('change toggles changing-flag foo↔bar, persisting across regenerations', () => {
  expect(merged().flags['changing-flag']?.defaultVariant).toBe('foo');
  expect(toggleChangingFlag(workDir)).toBe('bar');
  generateMergedFlags(workDir);
  expect(merged().flags['changing-flag']?.defaultVariant).toBe('bar');
  expect(toggleChangingFlag(workDir)).toBe('foo');
  generateMergedFlags(workDir);
  expect(merged().flags['changing-flag']?.defaultVariant).toBe('foo');
});
