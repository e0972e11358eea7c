// `switchyard diff`: field changes, impact over NDJSON or
// a generated population, files / directories / git revisions, and the --max-impact gate.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, runDiff } from '../src/index.js';
import { git, initRepo } from './git/helpers.js';
import { captureIo, FIXTURES } from './helpers.js';

const DIR = join(FIXTURES, 'diff');

interface Report {
  contexts: { source: string; count: number };
  flags: {
    key: string;
    kind: string;
    changes: {
      field: string;
      before: unknown;
      after: unknown;
      added?: string[];
      changed?: string[];
    }[];
    impact?: {
      total: number;
      changed: number;
      share: number;
      valueChanged: number;
      matrix: { from: string; to: string; count: number }[];
    };
  }[];
  maxImpact?: { thresholdPercent: number; exceeded: string[] };
}

async function diff(args: string[], cwd = DIR) {
  const io = captureIo(cwd);
  const code = await runDiff(args, io);
  return { code, out: io.out(), err: io.err() };
}

async function diffJson(args: string[], cwd = DIR): Promise<{ code: number; report: Report }> {
  const r = await diff([...args, '--format', 'json'], cwd);
  if (r.err !== '') throw new Error(r.err);
  return { code: r.code, report: JSON.parse(r.out) as Report };
}

describe('impact of widening a fractional rollout', () => {
  jest.setTimeout(60_000);
  // 10% → 20% of a two-variant rollout over 20,000 contexts moves ~10% of them, all off → on
  // (flagd's bucketing is monotonic: a bucket below 10 stays below 20).
  test('changes 10% ± 1% of 20,000 contexts, all from off to on', async () => {
    const { code, report } = await diffJson([
      'old/rollout.json',
      'new/rollout.json',
      '--sample',
      '20000',
    ]);
    expect(code).toBe(EXIT_OK);
    expect(report.contexts).toEqual({ source: 'sample', seed: 1, count: 20000 });
    expect(report.flags).toHaveLength(1);
    const flag = report.flags[0]!;
    expect(flag.key).toBe('new-search');
    expect(flag.changes.map((c) => c.field)).toEqual(['targeting']);
    const impact = flag.impact!;
    expect(impact.total).toBe(20000);
    expect(impact.share).toBeGreaterThanOrEqual(0.09);
    expect(impact.share).toBeLessThanOrEqual(0.11);
    const moves = impact.matrix.filter((t) => t.from !== t.to);
    expect(moves).toEqual([{ from: 'off', to: 'on', count: impact.changed }]);
    // Nobody who had "on" lost it.
    expect(impact.matrix.find((t) => t.from === 'on')?.to).toBe('on');
  });

  test('--max-impact 5% then exits 1; 15% passes', async () => {
    const over = await diff([
      'old/rollout.json',
      'new/rollout.json',
      '--sample',
      '20000',
      '--max-impact',
      '5%',
    ]);
    expect(over.code).toBe(EXIT_PROBLEMS);
    expect(over.out).toMatch(/max impact 5% exceeded by: new-search/);
    const under = await diff([
      'old/rollout.json',
      'new/rollout.json',
      '--sample',
      '20000',
      '--max-impact',
      '15%',
    ]);
    expect(under.code).toBe(EXIT_OK);
    expect(under.out).toMatch(/max impact 15%: ok/);
  });

  test('the generated population is reproducible per seed', async () => {
    const a = await diffJson([
      'old/rollout.json',
      'new/rollout.json',
      '--sample',
      '2000',
      '--seed',
      '7',
    ]);
    const b = await diffJson([
      'old/rollout.json',
      'new/rollout.json',
      '--sample',
      '2000',
      '--seed',
      '7',
    ]);
    expect(a.report.flags[0]!.impact).toEqual(b.report.flags[0]!.impact);
  });
});

describe('what changed', () => {
  test('directories: changed (variants, targeting, metadata), added and removed flags', async () => {
    const { report } = await diffJson(['old', 'new', '--sample', '500']);
    const byKey = new Map(report.flags.map((f) => [f.key, f]));
    expect([...byKey.keys()].sort()).toEqual(['banner', 'dark-mode', 'legacy-api', 'new-search']);
    expect(byKey.get('dark-mode')!.kind).toBe('added');
    expect(byKey.get('legacy-api')!.kind).toBe('removed');
    const banner = byKey.get('banner')!;
    expect(banner.changes.map((c) => c.field)).toEqual(['variants', 'targeting', 'metadata']);
    expect(banner.changes[0]).toMatchObject({ changed: ['sale'] });
    expect(banner.changes[2]).toMatchObject({ added: ['expires'] });
    // Contexts that keep "sale" still see a new value ("Summer sale" → "Summer sale!").
    expect(banner.impact!.valueChanged).toBe(
      banner.impact!.matrix.find((t) => t.from === 'sale' && t.to === 'sale')?.count,
    );
  });

  test('state and defaultVariant changes, in text', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-diff-'));
    const flag = (state: string, dv: string) =>
      JSON.stringify({
        flags: { f: { state, variants: { on: true, off: false }, defaultVariant: dv } },
      });
    writeFileSync(join(dir, 'a.json'), flag('ENABLED', 'off'));
    writeFileSync(join(dir, 'b.json'), flag('DISABLED', 'on'));
    const r = await diff(['a.json', 'b.json', '--sample', '100'], dir);
    expect(r.out).toContain('state: "ENABLED" → "DISABLED"');
    expect(r.out).toContain('defaultVariant: "off" → "on"');
    expect(r.out).toContain('impact: 100 of 100 contexts (100.00%) change variant');
    expect(r.out).toMatch(/off → \(disabled\)\s+100/);
  });

  test('--contexts NDJSON: exact counts and the from → to matrix', async () => {
    const { report } = await diffJson([
      'old/other.json',
      'new/other.json',
      '--contexts',
      'contexts.ndjson',
    ]);
    expect(report.contexts).toEqual({ source: 'file', file: 'contexts.ndjson', count: 5 });
    const banner = report.flags.find((f) => f.key === 'banner')!;
    // u-2 (AT, free): none → sale; u-3 (AT, pro): news → sale; the others keep their variant.
    expect(banner.impact).toMatchObject({ total: 5, changed: 2, share: 0.4 });
    expect(
      banner
        .impact!.matrix.filter((t) => t.from !== t.to)
        .sort((a, b) => (a.from < b.from ? -1 : 1)),
    ).toEqual([
      { from: 'news', to: 'sale', count: 1 },
      { from: 'none', to: 'sale', count: 1 },
    ]);
  });

  test('identical sides: nothing changed', async () => {
    const r = await diff(['old', 'old', '--sample', '10']);
    expect(r.code).toBe(EXIT_OK);
    expect(r.out).toMatch(/0 changed, 0 added, 0 removed/);
  });
});

describe('git revisions (REV:path)', () => {
  let repo: string;
  beforeAll(() => {
    repo = mkdtempSync(join(tmpdir(), 'switchyard-git-'));
    initRepo(repo, 't', 't@example.com');
    mkdirSync(join(repo, 'flags'));
    writeFileSync(
      join(repo, 'flags', 'rollout.json'),
      readFileSync(join(DIR, 'old', 'rollout.json')),
    );
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'rollout at 10%');
    writeFileSync(
      join(repo, 'flags', 'rollout.json'),
      readFileSync(join(DIR, 'new', 'rollout.json')),
    );
    git(repo, 'commit', '-q', '-am', 'rollout at 20%');
  });

  test('REV:file against REV:file', async () => {
    const { report } = await diffJson(
      ['HEAD~1:flags/rollout.json', 'HEAD:flags/rollout.json', '--sample', '20000'],
      repo,
    );
    expect(report.flags[0]!.impact!.share).toBeCloseTo(0.1, 1);
  });

  test('REV:directory against the work tree directory, and ./ paths from a subdirectory', async () => {
    const a = await diffJson(['HEAD~1:flags', 'flags', '--sample', '1000'], repo);
    expect(a.report.flags.map((f) => f.key)).toEqual(['new-search']);
    const b = await diffJson(['main~1:./', 'main:./', '--sample', '1000'], join(repo, 'flags'));
    expect(b.report.flags.map((f) => f.key)).toEqual(['new-search']);
  });

  test('an unknown revision or an option-like revision is an input error (exit 2)', async () => {
    const unknown = await diff(['nope:flags', 'flags'], repo);
    expect(unknown.code).toBe(EXIT_USAGE);
    expect(unknown.err).toMatch(/git cat-file failed/);
    // After `--`, `-c…:flags` is a positional; it must never reach git as an option.
    const option = await diff(['--', '-cfoo=bar:flags', 'flags'], repo);
    expect(option.code).toBe(EXIT_USAGE);
    expect(option.err).toMatch(/invalid git revision "-cfoo=bar"/);
  });
});

describe('usage and input errors exit 2', () => {
  test.each([
    [['old'], /exactly two arguments/],
    [
      ['old', 'new', '--sample', '10', '--contexts', 'contexts.ndjson'],
      /either --contexts or --sample/,
    ],
    [['old', 'new', '--max-impact', 'lots'], /percentage/],
    [['old', 'missing'], /no such file/],
  ])('%j', async (args, message) => {
    const r = await diff(args);
    expect(r.code).toBe(EXIT_USAGE);
    expect(r.err).toMatch(message);
  });

  test('an invalid side reports core diagnostics', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-diff-'));
    writeFileSync(
      join(dir, 'bad.json'),
      '{"flags": {"f": {"state": "ENABLED", "variants": {"on": true}, "defaultVariant": "nope"}}}',
    );
    writeFileSync(join(dir, 'ok.json'), '{"flags": {}}');
    const r = await diff(['ok.json', 'bad.json'], dir);
    expect(r.code).toBe(EXIT_USAGE);
    expect(r.err).toMatch(/bad\.json:1:\d+: error DEFAULT_VARIANT_UNKNOWN/);
  });
});
