// The project config of `switchyard validate`: rule severities and options, read from
// `switchyard.config.json|yaml|yml` found from cwd upwards, or from `--config FILE`.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { InputError } from '../errors/input-error.js';

export type Severity = 'off' | 'warning' | 'error';

export interface RuleSettings {
  readonly 'owner-required': { severity: Severity; key: string };
  readonly expired: { severity: Severity; key: string };
  readonly 'expiring-soon': { severity: Severity; key: string; days: number };
  readonly 'expires-invalid': { severity: Severity; key: string };
  readonly 'kill-switch-default': { severity: Severity; prefix: string };
  readonly 'kill-switch-incident': { severity: Severity };
  readonly 'unreachable-variant': { severity: Severity; ignoreStatic: boolean };
  readonly 'duplicate-key': { severity: Severity };
}
export type RuleId = keyof RuleSettings;

export interface ProjectConfig {
  readonly rules: RuleSettings;
  /** The file the config came from, if any. */
  readonly file?: string;
}

export const DEFAULT_RULES: RuleSettings = {
  'owner-required': { severity: 'error', key: 'owner' },
  expired: { severity: 'error', key: 'expires' },
  'expiring-soon': { severity: 'warning', key: 'expires', days: 14 },
  'expires-invalid': { severity: 'error', key: 'expires' },
  'kill-switch-default': { severity: 'error', prefix: 'ops_' },
  'kill-switch-incident': { severity: 'warning' },
  'unreachable-variant': { severity: 'warning', ignoreStatic: false },
  'duplicate-key': { severity: 'error' },
};

export const CONFIG_NAMES = [
  'switchyard.config.json',
  'switchyard.config.yaml',
  'switchyard.config.yml',
];

/** The nearest config file at or above `cwd`, if any. */
export function findConfig(cwd: string): string | undefined {
  let dir = resolve(cwd);
  for (;;) {
    for (const name of CONFIG_NAMES) {
      const candidate = join(dir, name);
      if (existsSync(candidate)) return candidate;
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function bad(file: string, message: string): never {
  throw new InputError(`${file}: ${message}`);
}

/** Reads and checks a config file; unknown rules, options or severities are input errors (exit 2). */
export function loadConfig(file: string): ProjectConfig {
  let raw: unknown;
  try {
    const text = readFileSync(file, 'utf8');
    raw = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    return bad(file, `cannot read the config: ${(error as Error).message.split('\n')[0]}`);
  }
  if (raw === null || raw === undefined) raw = {};
  if (!isMap(raw)) return bad(file, 'the config must be an object');
  for (const key of Object.keys(raw)) {
    if (key !== 'rules' && key !== '$schema') bad(file, `unknown key "${key}" (expected "rules")`);
  }
  const rulesRaw = raw.rules ?? {};
  if (!isMap(rulesRaw)) return bad(file, '"rules" must be an object');
  const rules: Record<string, Record<string, unknown>> = {};
  for (const [id, defaults] of Object.entries(DEFAULT_RULES)) rules[id] = { ...defaults };
  for (const [id, value] of Object.entries(rulesRaw)) {
    const target = Object.hasOwn(rules, id) ? rules[id] : undefined;
    if (target === undefined) {
      return bad(file, `unknown rule "${id}" (known: ${Object.keys(DEFAULT_RULES).join(', ')})`);
    }
    const settings: Record<string, unknown> =
      typeof value === 'string'
        ? { severity: value }
        : isMap(value)
          ? value
          : bad(file, `rule "${id}" must be a severity or an object`);
    for (const [option, v] of Object.entries(settings)) {
      if (!Object.hasOwn(target, option)) {
        bad(
          file,
          `rule "${id}" has no option "${option}" (options: ${Object.keys(target).join(', ')})`,
        );
      }
      const expected = typeof target[option];
      if (option === 'severity' && v !== 'off' && v !== 'warning' && v !== 'error') {
        bad(file, `rule "${id}": severity must be off, warning or error`);
      }
      if (typeof v !== expected)
        bad(file, `rule "${id}": option "${option}" must be a ${expected}`);
      if (option === 'days' && (!Number.isInteger(v) || (v as number) < 0)) {
        bad(file, `rule "${id}": "days" must be a non-negative integer`);
      }
      target[option] = v;
    }
  }
  return { rules: rules as unknown as RuleSettings, file };
}

/** `--config FILE` when given, else the nearest config file, else the defaults. */
export function resolveConfig(cwd: string, explicit: string | undefined): ProjectConfig {
  if (explicit !== undefined) {
    const file = resolve(cwd, explicit);
    if (!existsSync(file)) throw new InputError(`config file not found: ${explicit}`);
    return loadConfig(file);
  }
  const found = findConfig(cwd);
  return found === undefined ? { rules: DEFAULT_RULES } : loadConfig(found);
}
