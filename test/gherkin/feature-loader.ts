// Loads and compiles feature files through load-features.mjs (a child process, because the
// ESM-only @cucumber packages cannot be loaded by jest's CommonJS registry; see that file).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface PickledStep {
  /** The keyword as written (`Given`, `And`, ...), for messages only. */
  readonly keyword: string;
  /** `Context` (Given), `Action` (When), `Outcome` (Then) or `Unknown`, resolved through And/But. */
  readonly type: string;
  /** The step text with outline placeholders substituted. */
  readonly text: string;
  readonly line: number;
  readonly dataTable?: readonly (readonly string[])[];
  readonly docString?: string;
}

export interface ExampleRow {
  /** The Examples/Scenarios block name (may be empty). */
  readonly block: string;
  readonly header: readonly string[];
  readonly values: readonly string[];
  readonly line: number;
}

export interface ScenarioCase {
  /** Scenario name with <placeholders> substituted. */
  readonly scenario: string;
  readonly line: number;
  readonly example?: ExampleRow;
  /** Tags inherited from feature, rule, scenario and Examples block (with `@`). */
  readonly tags: readonly string[];
  /** Whether the tag expression selected this case. */
  readonly selected: boolean;
  /** Background steps first, then the scenario's. */
  readonly steps: readonly PickledStep[];
}

export interface LoadedFeature {
  /** Path relative to the loaded directory, `/`-separated. */
  readonly uri: string;
  /** Absolute file path. */
  readonly file: string;
  readonly name: string;
  readonly tags?: readonly string[];
  /** Set when the file does not parse; the runner turns it into a failing test. */
  readonly error?: string;
  readonly cases: readonly ScenarioCase[];
}

export interface LoadedFeatures {
  readonly dir: string;
  readonly tags: string | null;
  readonly features: readonly LoadedFeature[];
}

/** Parses every `.feature` under `dir` (recursively, sorted by path) and applies `tags`. */
export function loadFeatures(dir: string, tags?: string): LoadedFeatures {
  if (!existsSync(dir)) throw new Error(`feature directory not found: ${dir}`);
  const script = join(__dirname, 'load-features.mjs');
  const out = execFileSync(process.execPath, [script, JSON.stringify({ dir, tags })], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const loaded = JSON.parse(out) as LoadedFeatures;
  if (loaded.features.length === 0) throw new Error(`no .feature files under ${dir}`);
  return loaded;
}
