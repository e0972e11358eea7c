// The flagd schema's own test files (open-feature/flagd-schemas:json/test): every positive file
// is accepted and every negative one rejected in strict mode. flags/* use
// the flags.json schema, flagd/* the flagd.json one; targeting/* are bare rules, wrapped in a
// flag here (with a `some-ref` evaluator, which if-shorthand.json refers to). One file in
// test/flags/positive (example.flagdimport.array.json) declares `"$schema": "../../../flagd.json"`
// and uses the flagd-only array form: it is checked against the schema it names.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatDiagnostic, parseFlags } from '../src/index.js';
import type { JsonValue } from '../src/index.js';
import { schemasDir } from './support/paths.js';

const dir = (...parts: string[]) => join(schemasDir(), 'test', ...parts);
const files = (...parts: string[]) =>
  readdirSync(dir(...parts))
    .filter((f) => f.endsWith('.json'))
    .map((f) => [f, join(dir(...parts), f)]);

/** The folder's schema, unless the file itself names the other one in `$schema`. */
const schemaOf = (folder: 'flags' | 'flagd', text: string): 'flags' | 'flagd' => {
  const declared = (JSON.parse(text) as { $schema?: string }).$schema ?? '';
  if (declared.endsWith('/flagd.json')) return 'flagd';
  if (declared.endsWith('/flags.json')) return 'flags';
  return folder;
};

const wrap = (rule: JsonValue) => ({
  $evaluators: { 'some-ref': { '==': [{ var: 'env' }, 'production'] } },
  flags: {
    'wrapped-rule': {
      state: 'ENABLED',
      variants: { on: true, off: false },
      defaultVariant: 'off',
      targeting: rule,
    },
  },
});

describe.each([
  ['flags', 'flags'],
  ['flagd', 'flagd'],
] as const)('schema %s: test/%s', (schema, folder) => {
  const positive = files(folder, 'positive');
  const negative = files(folder, 'negative');

  test.each(positive)('positive %s is accepted', (_, path) => {
    const text = readFileSync(path, 'utf8');
    const r = parseFlags(text, { source: path, schema: schemaOf(schema, text) });
    expect(r.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
    expect(r.ok).toBe(true);
  });

  if (negative.length > 0) {
    test.each(negative)('negative %s is rejected with an error diagnostic', (_, path) => {
      const text = readFileSync(path, 'utf8');
      const r = parseFlags(text, { source: path, schema: schemaOf(schema, text) });
      expect(r.ok).toBe(false);
      const first = r.diagnostics.find((d) => d.severity === 'error');
      expect(first).toMatchObject({
        file: path,
        line: expect.any(Number),
        column: expect.any(Number),
      });
    });
  }
});

describe('targeting rules wrapped into a flag', () => {
  test.each(files('targeting', 'positive'))('positive %s is accepted in strict mode', (_, path) => {
    const r = parseFlags(wrap(JSON.parse(readFileSync(path, 'utf8'))));
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(r.ok).toBe(true);
  });
  test.each(files('targeting', 'negative'))('negative %s is rejected in strict mode', (_, path) => {
    const r = parseFlags(wrap(JSON.parse(readFileSync(path, 'utf8'))));
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0]).toMatchObject({ severity: 'error', flagKey: 'wrapped-rule' });
    expect(r.diagnostics[0]?.path).toMatch(/^flags\.wrapped-rule\.targeting/);
  });
});
