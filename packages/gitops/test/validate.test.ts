// `switchyard validate`: every lifecycle rule has a fixture that triggers it
// (fixtures/validate/bad) and fixtures that do not (clean, sets); each output format, SARIF
// checked against the 2.1.0 structure; exit codes 0/1/2.
import { join } from 'node:path';
import { EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, runValidate } from '../src/index.js';
import { captureIo, FIXED_NOW, FIXTURES } from './helpers.js';

const DIR = join(FIXTURES, 'validate');

interface JsonFinding {
  ruleId: string;
  severity: string;
  file: string;
  line: number;
  column: number;
  flagKey?: string;
  message: string;
}

async function validate(args: string[], cwd = DIR, env: Record<string, string> = {}) {
  const io = captureIo(cwd, env);
  const code = await runValidate(args, io, env.SWITCHYARD_NOW ? {} : { now: () => FIXED_NOW });
  return { code, out: io.out(), err: io.err() };
}

async function findings(
  args: string[],
  cwd = DIR,
): Promise<{ code: number; findings: JsonFinding[] }> {
  const r = await validate([...args, '--format', 'json'], cwd);
  return { code: r.code, findings: (JSON.parse(r.out) as { findings: JsonFinding[] }).findings };
}

describe('lifecycle rules: each fixture in bad/ triggers exactly its rule', () => {
  const cases: [string, string, 'error' | 'warning', string, number, number][] = [
    // file, rule, severity, flag, line, column (of the flag key or the offending value)
    ['bad/owner-missing.json', 'owner-required', 'error', 'no-owner', 3, 5],
    ['bad/expired.json', 'expired', 'error', 'old-banner', 8, 53],
    ['bad/expiring-soon.json', 'expiring-soon', 'warning', 'summer-sale', 8, 53],
    ['bad/expires-invalid.json', 'expires-invalid', 'error', 'typo-date', 8, 53],
    ['bad/kill-switch.json', 'kill-switch-default', 'error', 'ops_search_enabled', 6, 25],
    ['bad/unreachable.json', 'unreachable-variant', 'warning', 'checkout-layout', 5, 81],
  ];
  test.each(cases)('%s → %s', async (file, rule, severity, flagKey, line, column) => {
    const r = await findings([file]);
    expect(r.findings).toEqual([
      expect.objectContaining({ ruleId: rule, severity, flagKey, file, line, column }),
    ]);
    expect(r.code).toBe(severity === 'error' ? EXIT_PROBLEMS : EXIT_OK);
  });

  test('duplicate-key: one key in two files of the default flag set', async () => {
    const r = await findings(['dup']);
    expect(r.findings).toEqual([
      expect.objectContaining({
        ruleId: 'duplicate-key',
        file: 'dup/b.json',
        line: 3,
        column: 5,
        flagKey: 'shared-flag',
      }),
    ]);
    expect(r.findings[0]?.message).toContain('dup/a.json:3:5');
    expect(r.code).toBe(EXIT_PROBLEMS);
  });

  test('core strict checks are reported with their code and position', async () => {
    const r = await findings(['bad/schema.json']);
    expect(r.findings).toEqual([
      expect.objectContaining({
        ruleId: 'core/DEFAULT_VARIANT_UNKNOWN',
        severity: 'error',
        line: 6,
        column: 25,
      }),
    ]);
    expect(r.code).toBe(EXIT_PROBLEMS);
  });
});

describe('fixtures that trigger no rule', () => {
  test('clean/ (JSON and YAML): owner, future expiry, kill switch on, reachable variants', async () => {
    const r = await validate(['clean']);
    expect(r.out).toBe('2 files checked, no problems\n');
    expect(r.code).toBe(EXIT_OK);
  });

  test('the same key in two different flag sets is not a duplicate', async () => {
    const r = await findings(['sets']);
    expect(r.findings).toEqual([]);
    expect(r.code).toBe(EXIT_OK);
  });

  test('unreachable-variant stays quiet when a rule returns a computed value', async () => {
    // clean/flags.json "theme" returns {"var": "preferredTheme"}: anything may come back.
    const r = await findings(['clean/flags.json']);
    expect(r.findings.filter((f) => f.ruleId === 'unreachable-variant')).toEqual([]);
  });

  test('a static kill switch may keep its "off" variant for incidents (not unreachable)', async () => {
    // The example flags' ops_payments_enabled has no targeting: "off" is reached by editing
    // defaultVariant during an incident, which is what a kill switch is for.
    const r = await findings([join(__dirname, '..', '..', '..', 'flags', 'ops.yaml')]);
    expect(r.findings).toEqual([]);
    expect(r.code).toBe(EXIT_OK);
  });

  test('expiring-soon is outside its window once the clock is far enough back', async () => {
    const r = await validate(['bad/expiring-soon.json', '--now', '2025-05-01']);
    expect(r.code).toBe(EXIT_OK);
    expect(r.out).toContain('no problems');
  });
});

describe('output formats', () => {
  test('text: file:line:col severity rule [flag]: message, then a summary', async () => {
    const r = await validate(['bad/owner-missing.json', 'bad/expiring-soon.json']);
    expect(r.out.split('\n')).toEqual([
      'bad/expiring-soon.json:8:53: warning expiring-soon [summer-sale]: flag "summer-sale" expires on 2025-06-10 (in 9 days)',
      'bad/owner-missing.json:3:5: error owner-required [no-owner]: flag "no-owner" has no "owner" in its metadata',
      '2 files checked: 2 problems (1 error, 1 warning)',
      '',
    ]);
  });

  test('json: summary and findings', async () => {
    const r = await validate(['bad', '--format', 'json']);
    const report = JSON.parse(r.out) as {
      summary: { files: number; errors: number; warnings: number };
    };
    expect(report.summary).toEqual({ files: 7, errors: 5, warnings: 2 });
  });

  test('sarif: the SARIF 2.1.0 structure code-scanning UIs read', async () => {
    const r = await validate(['bad', 'dup', '--format', 'sarif']);
    expect(r.code).toBe(EXIT_PROBLEMS);
    const log = JSON.parse(r.out);
    expect(log.$schema).toMatch(/sarif-2\.1\.0/);
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    const driver = log.runs[0].tool.driver;
    expect(driver.name).toBe('switchyard');
    const ruleIds = driver.rules.map((x: { id: string }) => x.id);
    for (const id of [
      'owner-required',
      'expired',
      'expiring-soon',
      'expires-invalid',
      'kill-switch-default',
      'unreachable-variant',
      'duplicate-key',
      'core/DEFAULT_VARIANT_UNKNOWN',
    ]) {
      expect(ruleIds).toContain(id);
    }
    for (const rule of driver.rules) {
      expect(typeof rule.shortDescription.text).toBe('string');
      expect(['error', 'warning', 'note', 'none']).toContain(rule.defaultConfiguration.level);
    }
    const results = log.runs[0].results;
    expect(results).toHaveLength(8);
    for (const res of results) {
      expect(ruleIds).toContain(res.ruleId);
      expect(driver.rules[res.ruleIndex].id).toBe(res.ruleId);
      expect(['error', 'warning']).toContain(res.level);
      expect(typeof res.message.text).toBe('string');
      const loc = res.locations[0].physicalLocation;
      expect(loc.artifactLocation.uri).not.toMatch(/^\//); // relative to the repository
      expect(loc.region.startLine).toBeGreaterThanOrEqual(1);
      expect(loc.region.startColumn).toBeGreaterThanOrEqual(1);
    }
    const expired = results.find((x: { ruleId: string }) => x.ruleId === 'expired');
    expect(expired.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'bad/expired.json', uriBaseId: '%SRCROOT%' },
      region: { startLine: 8, startColumn: 53 },
    });
  });
});

describe('exit codes', () => {
  test('0 when clean, also with warnings', async () => {
    expect((await validate(['clean'])).code).toBe(EXIT_OK);
    expect((await validate(['bad/unreachable.json'])).code).toBe(EXIT_OK);
  });
  test('--max-warnings 0 turns warnings into a failure', async () => {
    expect((await validate(['bad/unreachable.json', '--max-warnings', '0'])).code).toBe(
      EXIT_PROBLEMS,
    );
    expect((await validate(['bad/unreachable.json', '--max-warnings', '1'])).code).toBe(EXIT_OK);
  });
  test('1 on errors', async () => {
    expect((await validate(['bad/expired.json'])).code).toBe(EXIT_PROBLEMS);
  });
  test.each([
    [['--format', 'xml', 'clean'], /--format must be one of/],
    [[], /at least one PATH/],
    [['--bogus', 'clean'], /unknown option --bogus/],
    [['does-not-exist.json'], /no such file/],
    [['nothing/**/*.json'], /no files match/],
    [['clean', '--config', 'missing.json'], /config file not found/],
    [['clean', '--now', 'yesterday'], /ISO 8601/],
  ])('2 on usage or input errors: %j', async (args, message) => {
    const r = await validate(args);
    expect(r.code).toBe(EXIT_USAGE);
    expect(r.err).toMatch(message);
  });
});

describe('paths, globs and positions', () => {
  test('globs: * within a segment, ** across directories', async () => {
    const one = await findings(['bad/exp*.json']);
    expect(one.findings.map((f) => f.file).sort()).toEqual([
      'bad/expired.json',
      'bad/expires-invalid.json',
      'bad/expiring-soon.json',
    ]);
    const deep = await validate(['**/*.yaml', '--format', 'json']);
    const report = JSON.parse(deep.out) as { summary: { files: number } };
    // clean/more.yaml and yaml/flags.yaml; config-project/switchyard.config.yaml is not a flag file
    expect(report.summary.files).toBe(2);
  });

  test('YAML array form: positions of the flag key', async () => {
    const r = await findings(['yaml/flags.yaml']);
    expect(r.findings).toEqual([
      expect.objectContaining({
        ruleId: 'owner-required',
        flagKey: 'yaml-flag',
        line: 4,
        column: 10,
      }),
    ]);
  });
});

describe('project config', () => {
  test('found upwards from cwd: severities, options and custom kill-switch prefix', async () => {
    const r = await findings(['flags.json'], join(DIR, 'config-project', 'sub'));
    // owner-required is off; ops_ is no longer the prefix; 30-day window catches 2025-06-25.
    expect(r.findings.map((f) => [f.ruleId, f.flagKey])).toEqual([
      ['kill-switch-default', 'kill_uploads'],
      ['expiring-soon', 'campaign'],
    ]);
  });

  test('--config FILE (JSON) overrides the lookup; unknown rules are usage errors', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-config-'));
    writeFileSync(
      join(dir, 'strict.json'),
      JSON.stringify({ rules: { 'unreachable-variant': 'error' } }),
    );
    writeFileSync(join(dir, 'typo.json'), JSON.stringify({ rules: { 'owner-requird': 'error' } }));
    const strict = await findings(['bad/unreachable.json', '--config', join(dir, 'strict.json')]);
    expect(strict.findings).toEqual([
      expect.objectContaining({ ruleId: 'unreachable-variant', severity: 'error' }),
    ]);
    expect(strict.code).toBe(EXIT_PROBLEMS);
    const typo = await validate(['clean', '--config', join(dir, 'typo.json')]);
    expect(typo.code).toBe(EXIT_USAGE);
    expect(typo.err).toMatch(/unknown rule "owner-requird"/);
  });

  test('SWITCHYARD_NOW sets the clock of the expiry rules', async () => {
    const later = await validate(['clean/more.yaml'], DIR, { SWITCHYARD_NOW: '2025-11-25' });
    expect(later.out).toContain('expiring-soon [rollout]');
    const past = await validate(['clean/more.yaml'], DIR, { SWITCHYARD_NOW: '2025-12-02' });
    expect(past.out).toContain('expired [rollout]');
    expect(past.code).toBe(EXIT_PROBLEMS);
  });
});
