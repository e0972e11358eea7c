// `switchyard set`: one flag changed in its file with every other byte kept (JSON and YAML,
// comments, quoting, CRLF), the result validated before it is written, refused edits writing
// nothing, the incident path through validate and the diff gate, and --commit.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify as toYaml } from 'yaml';
import { EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, runDiff, runSet, runValidate } from '../src/index.js';
import { git, initRepo, tempDir } from './git/helpers.js';
import { captureIo } from './helpers.js';

const OPS_YAML = `# Kill switches: default on; turn one off to shed a dependency during an incident.
metadata:
  flagSetId: ops
flags:
  ops_payments_enabled:   # the payment provider
    state: ENABLED
    variants:
      "on": true
      "off": false
    defaultVariant: "on"   # flip to "off" in an incident
    metadata:
      owner: team-payments
      expires: "2099-12-31"
  ops_search_enabled:
    state: ENABLED
    variants: { "on": true, "off": false }
    defaultVariant: "on"
    metadata: { owner: team-search }
`;

const RELEASE_JSON = `{
  "$schema": "https://flagd.dev/schema/v0/flags.json",
  "flags": {
    "banner": {
      "state": "ENABLED",
      "variants": { "red": "#f00", "blue": "#00f" },
      "defaultVariant": "red",
      "metadata": { "owner": "team-web" }
    },
    "new-checkout": {
      "state": "ENABLED",
      "variants": { "on": true, "off": false },
      "defaultVariant": "off",
      "targeting": { "fractional": [["on", 10], ["off", 90]] },
      "metadata": { "owner": "team-checkout" }
    }
  }
}
`;

function project(files: Record<string, string>): string {
  const dir = tempDir('switchyard-set-');
  mkdirSync(join(dir, 'flags'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, 'flags', name), text);
  return dir;
}

async function run(command: typeof runSet, dir: string, ...args: string[]) {
  const io = captureIo(dir, { SWITCHYARD_NOW: '2026-01-01' });
  const code = await command(args, io);
  return { code, out: io.out(), err: io.err() };
}

const read = (dir: string, name: string) => readFileSync(join(dir, 'flags', name), 'utf8');

/** The lines of `after` that differ from `before` (same line count expected). */
function changedLines(before: string, after: string): string[] {
  const a = before.split('\n');
  const b = after.split('\n');
  expect(b.length).toBe(a.length);
  return b.filter((line, i) => line !== a[i]);
}

test('JSON: the default variant changes on its one line; every other byte stays', async () => {
  const dir = project({ 'release.json': RELEASE_JSON });
  const r = await run(runSet, dir, 'banner', '--variant', 'blue');
  expect(r.err).toBe('');
  expect(r.code).toBe(EXIT_OK);
  expect(r.out).toContain('flags/release.json:4: banner: defaultVariant "red" → "blue"');
  const after = read(dir, 'release.json');
  expect(after).toBe(RELEASE_JSON.replace('"defaultVariant": "red"', '"defaultVariant": "blue"'));
  expect(changedLines(RELEASE_JSON, after)).toEqual(['      "defaultVariant": "blue",']);
});

test('YAML: state and default change in place; comments and quoting stay', async () => {
  const dir = project({ 'ops.yaml': OPS_YAML });
  const r = await run(runSet, dir, 'ops_search_enabled', '--state', 'DISABLED');
  expect(r.code).toBe(EXIT_OK);
  expect(read(dir, 'ops.yaml')).toBe(
    OPS_YAML.replace('    state: ENABLED\n    variants: {', '    state: DISABLED\n    variants: {'),
  );
});

test('a kill switch turned off needs an incident reason; without one nothing is written', async () => {
  const dir = project({ 'ops.yaml': OPS_YAML });
  const r = await run(runSet, dir, 'ops_payments_enabled', '--variant', 'off');
  expect(r.code).toBe(EXIT_PROBLEMS);
  expect(r.err).toContain('FLAG_EDIT_REFUSED: the edited file would not validate');
  expect(r.err).toContain('kill-switch-default');
  expect(r.err).toContain('--incident REASON');
  expect(read(dir, 'ops.yaml')).toBe(OPS_YAML);
});

test('the incident path: set --incident passes validate and the diff gate, and back on restores every byte', async () => {
  const dir = project({ 'ops.yaml': OPS_YAML });
  writeFileSync(join(dir, 'before.yaml'), OPS_YAML);
  const off = await run(
    runSet,
    dir,
    'ops_payments_enabled',
    '--variant',
    'off',
    '--incident',
    'INC-42: PSP down',
  );
  expect(off.code).toBe(EXIT_OK);
  const after = read(dir, 'ops.yaml');
  expect(after).toBe(
    OPS_YAML.replace('defaultVariant: "on"   # flip', 'defaultVariant: "off"   # flip').replace(
      '      expires: "2099-12-31"\n',
      '      expires: "2099-12-31"\n      incident: "INC-42: PSP down"\n',
    ),
  );
  expect(off.out).toContain('kill-switch-incident');

  const validate = await run(runValidate, dir, 'flags');
  expect(validate.out).toContain('warning kill-switch-incident');
  expect(validate.code).toBe(EXIT_OK);
  const diff = await run(runDiff, dir, 'before.yaml', 'flags/ops.yaml', '--max-impact', '5%');
  expect(diff.out).toContain('let through for incident: INC-42: PSP down');
  expect(diff.code).toBe(EXIT_OK);

  const on = await run(runSet, dir, 'ops_payments_enabled', '--variant', 'on');
  expect(on.code).toBe(EXIT_OK);
  expect(on.out).toContain('incident cleared');
  expect(read(dir, 'ops.yaml')).toBe(OPS_YAML);
});

test('CRLF line endings and a missing defaultVariant: the inserted line follows the file', async () => {
  const text =
    '{\r\n  "flags": {\r\n    "f": {\r\n      "state": "ENABLED",\r\n      "variants": { "a": 1, "b": 2 },\r\n      "metadata": { "owner": "x" }\r\n    }\r\n  }\r\n}\r\n';
  const dir = project({ 'f.json': text });
  const r = await run(runSet, dir, 'f', '--variant', 'b');
  expect(r.code).toBe(EXIT_OK);
  expect(read(dir, 'f.json')).toBe(
    text.replace(
      '"state": "ENABLED",\r\n',
      '"state": "ENABLED",\r\n      "defaultVariant": "b",\r\n',
    ),
  );
});

test.each([
  [['new-checkout', '--variant', 'on'], /has targeting/],
  [['banner', '--variant', 'green'], /no variant "green"/],
])('refused, nothing written: %j', async (args, message) => {
  const dir = project({ 'release.json': RELEASE_JSON });
  const r = await run(runSet, dir, ...args);
  expect(r.code).toBe(EXIT_PROBLEMS);
  expect(r.err).toMatch(message);
  expect(read(dir, 'release.json')).toBe(RELEASE_JSON);
});

test('a flag defined in two files is ambiguous; naming the file decides', async () => {
  const dir = project({ 'a.json': RELEASE_JSON, 'b.json': RELEASE_JSON });
  const r = await run(runSet, dir, 'banner', '--variant', 'blue');
  expect(r.code).toBe(EXIT_PROBLEMS);
  expect(r.err).toContain('defined 2 times');
  const named = await run(runSet, dir, 'banner', 'flags/b.json', '--variant', 'blue');
  expect(named.code).toBe(EXIT_OK);
  expect(read(dir, 'a.json')).toBe(RELEASE_JSON);
});

test('--default-only changes the default of a targeted flag; usage errors exit 2', async () => {
  const dir = project({ 'release.json': RELEASE_JSON });
  const r = await run(runSet, dir, 'new-checkout', '--variant', 'on', '--default-only');
  expect(r.code).toBe(EXIT_OK);
  expect(changedLines(RELEASE_JSON, read(dir, 'release.json'))).toEqual([
    '      "defaultVariant": "on",',
  ]);
  expect((await run(runSet, dir, 'banner')).code).toBe(EXIT_USAGE);
  expect((await run(runSet, dir, 'banner', '--state', 'OFF')).code).toBe(EXIT_USAGE);
  expect((await run(runSet, dir, 'nope', '--variant', 'x')).code).toBe(EXIT_USAGE);
});

test('--commit commits the file alone, with the incident as a trailer', async () => {
  const dir = project({ 'ops.yaml': OPS_YAML });
  initRepo(dir, 'Ada Lovelace', 'ada@example.com');
  writeFileSync(join(dir, 'other.txt'), 'staged, not part of the commit\n');
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'flags');
  writeFileSync(join(dir, 'other.txt'), 'changed\n');
  git(dir, 'add', 'other.txt');
  const r = await run(
    runSet,
    dir,
    'ops_payments_enabled',
    '--variant',
    'off',
    '--incident',
    'INC-7',
    '--commit',
    '-m',
    'Turn payments off (INC-7)',
  );
  expect(r.code).toBe(EXIT_OK);
  expect(r.out).toMatch(/committed [0-9a-f]{12}/);
  expect(git(dir, 'log', '-1', '--format=%B')).toBe(
    'Turn payments off (INC-7)\n\nSwitchyard-Incident: INC-7',
  );
  expect(git(dir, 'show', '--name-only', '--format=', 'HEAD')).toBe('flags/ops.yaml');
  expect(git(dir, 'diff', '--cached', '--name-only')).toBe('other.txt');
});

/** YAML 1.1 and 1.2 read these differently, or not as strings at all: they need quotes. */
const NAMES = fc.oneof(
  fc.constantFrom(
    'on',
    'off',
    'yes',
    'no',
    'null',
    'true',
    '1.0',
    '0x1F',
    'a b',
    "it's",
    'é',
    '#x',
    'x: y',
  ),
  fc.stringMatching(/^[a-z][a-z0-9_-]{0,8}$/),
);

test('property: any variant name, JSON or YAML, any indentation: only the default changes', async () => {
  const dir = project({});
  await fc.assert(
    fc.asyncProperty(
      fc.uniqueArray(NAMES, { minLength: 2, maxLength: 4 }),
      fc.boolean(),
      fc.integer({ min: 0, max: 4 }),
      async (names, yaml, indent) => {
        const variants = Object.fromEntries(names.map((n, i) => [n, i]));
        const flag = {
          state: 'ENABLED',
          variants,
          defaultVariant: names[0],
          metadata: { owner: 'o' },
        };
        const doc = { flags: { f: flag, g: { ...flag } } };
        const text = yaml
          ? toYaml(doc, { indent: Math.max(2, indent) })
          : `${JSON.stringify(doc, null, indent)}\n`;
        const file = join(dir, 'flags', yaml ? 'f.yaml' : 'f.json');
        writeFileSync(file, text);
        const target = names[names.length - 1] as string;
        const r = await run(runSet, dir, 'f', file, '--variant', target);
        expect(r.err).toBe('');
        const after = readFileSync(file, 'utf8');
        const reparsed = yaml ? (await import('yaml')).parse(after) : JSON.parse(after);
        expect(reparsed.flags.f.defaultVariant).toBe(target);
        expect(reparsed.flags.g).toEqual(flag);
        if (indent > 0 || yaml) expect(changedLines(text, after)).toHaveLength(1);
      },
    ),
    { numRuns: 60 },
  );
  expect(existsSync(join(dir, 'flags'))).toBe(true);
});
