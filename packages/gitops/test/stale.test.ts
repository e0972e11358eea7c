// `switchyard stale`: each reason with its evidence — expiry from metadata, one variant for N
// days from a real git history (and from the audit log outside git), unused from a usage record,
// unreferenced from a code scan in several languages — in text, JSON and SARIF, with exit codes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, runStale, USAGE_FORMAT } from '../src/index.js';
import { git, initRepo, tempDir } from './git/helpers.js';
import { captureIo } from './helpers.js';
import { findCodeReferences } from '../src/stale/code-refs.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 1);
const iso = (ms: number) => new Date(ms).toISOString();

function flag(defaultVariant: string, extra: Record<string, unknown> = {}) {
  return {
    state: 'ENABLED',
    variants: { on: true, off: false },
    defaultVariant,
    metadata: { owner: 'team-a' },
    ...extra,
  };
}

const FLAGS = {
  flags: {
    'old-banner': flag('on', { metadata: { owner: 'team-web', expires: '2026-04-01' } }),
    'full-rollout': flag('on'),
    rollout: flag('off', {
      targeting: {
        fractional: [
          ['on', 50],
          ['off', 50],
        ],
      },
    }),
    ops_db_enabled: flag('on'),
    forgotten: flag('off', {
      targeting: { if: [{ '==': [{ var: 'plan' }, 'pro'] }, 'on', 'off'] },
    }),
  },
};

function project(): string {
  const dir = tempDir('switchyard-stale-');
  mkdirSync(join(dir, 'flags'));
  writeFileSync(join(dir, 'flags', 'flags.json'), `${JSON.stringify(FLAGS, null, 2)}\n`);
  return dir;
}

async function stale(dir: string, ...args: string[]) {
  const io = captureIo(dir, { SWITCHYARD_NOW: iso(NOW) });
  const code = await runStale(args, io);
  return { code, out: io.out(), err: io.err() };
}

test('expired: past the metadata expiry, with owner and file:line', async () => {
  const r = await stale(project());
  expect(r.code).toBe(EXIT_PROBLEMS);
  expect(r.out).toContain(
    'flags/flags.json:3:5: expired [old-banner, owner team-web]: expired on 2026-04-01 (61 days ago)',
  );
  expect(r.out).toContain('not checked: unused (no --usage or --daemon), unreferenced (no --code)');
});

function commitAt(dir: string, message: string, at: number): void {
  git(dir, 'add', '.');
  const date = iso(at);
  process.env.GIT_COMMITTER_DATE = date;
  process.env.GIT_AUTHOR_DATE = date;
  try {
    git(dir, 'commit', '-q', '-m', message);
  } finally {
    delete process.env.GIT_COMMITTER_DATE;
    delete process.env.GIT_AUTHOR_DATE;
  }
}

test('single-variant: since the commit that made it serve one variant (git), kill switches exempt', async () => {
  const dir = project();
  initRepo(dir, 'Ada', 'ada@example.com');
  const file = join(dir, 'flags', 'flags.json');
  const rolling = {
    flags: {
      ...FLAGS.flags,
      'full-rollout': flag('off', {
        targeting: {
          fractional: [
            ['on', 50],
            ['off', 50],
          ],
        },
      }),
    },
  };
  writeFileSync(file, `${JSON.stringify(rolling, null, 2)}\n`);
  commitAt(dir, 'roll out to half', NOW - 90 * DAY);
  const full = {
    flags: {
      ...FLAGS.flags,
      'full-rollout': flag('on', {
        targeting: {
          fractional: [
            ['on', 100],
            ['off', 0],
          ],
        },
      }),
    },
  };
  writeFileSync(file, `${JSON.stringify(full, null, 2)}\n`);
  commitAt(dir, 'roll out to everyone', NOW - 45 * DAY);
  writeFileSync(join(dir, 'README'), 'other change\n');
  commitAt(dir, 'unrelated', NOW - 10 * DAY);

  const r = await stale(dir, '--days', '30');
  expect(r.out).toMatch(
    /flags\/flags\.json:\d+:5: single-variant \[full-rollout, owner team-a\]: serves "on" to everyone, unchanged for 45 days/,
  );
  expect(r.out).not.toContain('[ops_db_enabled'); // a kill switch serves one variant by design
  expect(r.out).not.toContain('[rollout');
  expect((await stale(dir, '--days', '60')).out).not.toContain('single-variant [full-rollout');

  // An uncommitted edit of the flag starts the clock again.
  const edited = {
    flags: { ...full.flags, 'full-rollout': flag('on', { metadata: { owner: 'team-b' } }) },
  };
  writeFileSync(file, `${JSON.stringify(edited, null, 2)}\n`);
  expect((await stale(dir)).out).not.toContain('single-variant [full-rollout');
});

test('single-variant outside git: from the audit log', async () => {
  const dir = project();
  const entry = (at: number, key: string) =>
    JSON.stringify({
      generation: 1,
      time: iso(at),
      sources: [],
      hash: '',
      flags: 5,
      added: [],
      changed: [{ key, source: 'flags' }],
      removed: [],
      git: [],
    });
  writeFileSync(join(dir, 'audit.jsonl'), `${entry(NOW - 40 * DAY, 'full-rollout')}\n`);
  const r = await stale(dir, '--audit', 'audit.jsonl');
  expect(r.out).toContain(
    'single-variant [full-rollout, owner team-a]: serves "on" to everyone, unchanged for 40 days',
  );
  expect((await stale(dir)).out).not.toContain('single-variant');
});

function usageRecord(since: number, flags: { key: string; lastSeen: number }[]) {
  return JSON.stringify({
    format: USAGE_FORMAT,
    since: iso(since),
    updated: iso(NOW),
    dropped: 0,
    flags: flags.map((f) => ({
      key: f.key,
      firstSeen: iso(since),
      lastSeen: iso(f.lastSeen),
      evaluations: 3,
      counts: [{ variant: 'on', reason: 'STATIC', count: 3 }],
    })),
  });
}

test('unused: last seen longer ago than --days, or never seen while usage was recorded that long', async () => {
  const dir = project();
  writeFileSync(
    join(dir, 'usage.json'),
    usageRecord(NOW - 100 * DAY, [
      { key: 'rollout', lastSeen: NOW - DAY },
      { key: 'forgotten', lastSeen: NOW - 50 * DAY },
      { key: 'full-rollout', lastSeen: NOW },
      { key: 'ops_db_enabled', lastSeen: NOW },
    ]),
  );
  const r = await stale(dir, '--usage', 'usage.json');
  expect(r.out).toContain(
    'unused [forgotten, owner team-a]: last evaluated 50 days ago (2026-04-12)',
  );
  expect(r.out).toContain(
    'unused [old-banner, owner team-web]: never evaluated in the 100 days usage has been recorded',
  );
  expect(r.out).not.toContain('unused [rollout');

  writeFileSync(join(dir, 'short.json'), usageRecord(NOW - 5 * DAY, []));
  expect((await stale(dir, '--usage', 'short.json')).out).not.toContain('unused');
});

const CODE: Record<string, string> = {
  'web/app.tsx': `const on = await client.getBooleanValue('full-rollout', false);\nconst FLAG = "rollout";\n`,
  'svc/main.go': 'v, _ := client.BooleanValue(ctx, "old-banner", false, of.EvaluationContext{})\n',
  'api/Main.java': 'client.getBooleanDetails("forgotten", false);\n',
  'worker/job.py': 'client.get_boolean_value(flag_key="old-banner", default_value=False)\n',
  'node_modules/dep/index.js': "getBooleanValue('ops_db_enabled', true)\n",
};

test('unreferenced: keys in no source file (calls or literals); dependency folders are skipped', async () => {
  const dir = project();
  for (const [path, text] of Object.entries(CODE)) {
    mkdirSync(join(dir, 'code', path, '..'), { recursive: true });
    writeFileSync(join(dir, 'code', path), text);
  }
  const r = await stale(dir, '--code', 'code', '--format', 'json');
  const report = JSON.parse(r.out);
  const unreferenced = report.flags
    .filter((f: { reasons: { reason: string }[] }) =>
      f.reasons.some((x) => x.reason === 'unreferenced'),
    )
    .map((f: { key: string }) => f.key);
  expect(unreferenced).toEqual(['ops_db_enabled']);
  expect(report.summary).toMatchObject({ flags: 5, code: true, usage: false });
});

test('JSON and SARIF: every reason with its location; nothing stale exits 0', async () => {
  const dir = project();
  const json = JSON.parse((await stale(dir, '--format', 'json')).out);
  expect(json.flags[0]).toMatchObject({
    key: 'old-banner',
    owner: 'team-web',
    file: 'flags/flags.json',
    line: 3,
    column: 5,
    reasons: [{ reason: 'expired', since: '2026-04-01T00:00:00.000Z' }],
  });
  const sarif = JSON.parse((await stale(dir, '--format', 'sarif')).out);
  const run = sarif.runs[0];
  expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual([
    'stale/expired',
    'stale/single-variant',
    'stale/unused',
    'stale/unreferenced',
  ]);
  expect(run.results[0]).toMatchObject({
    ruleId: 'stale/expired',
    ruleIndex: 0,
    level: 'warning',
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: 'flags/flags.json' },
          region: { startLine: 3 },
        },
      },
    ],
  });
  const clean = await stale(dir, 'flags', '--now', '2026-03-01');
  expect(clean.out).toBe(
    '5 flags checked, none stale\nnot checked: unused (no --usage or --daemon), unreferenced (no --code)\n',
  );
  expect(clean.code).toBe(EXIT_OK);
});

test('usage errors exit 2', async () => {
  const dir = project();
  writeFileSync(join(dir, 'bad.json'), '{"format":"other"}');
  expect((await stale(dir, '--usage', 'bad.json')).err).toContain('not a usage record');
  expect((await stale(dir, '--usage', 'a', '--daemon', 'b')).code).toBe(EXIT_USAGE);
  expect((await stale(dir, '--days', 'x')).code).toBe(EXIT_USAGE);
});

describe('code references: the OpenFeature call sites of each language', () => {
  const calls: Record<string, string> = {
    'a.ts': "await client.getStringValue('k-ts', 'x', ctx);",
    'b.jsx': "const v = useBooleanFlagValue('k-jsx', false);",
    'c.go': 'client.StringValueDetails(ctx, "k-go", "x", evalCtx)',
    'd.java': 'client.getIntegerValue("k-java", 1);',
    'e.kt': 'client.getBooleanValue("k-kt", false)',
    'f.py': "client.get_string_details('k-py', 'x')",
    'g.cs': 'await client.GetBooleanValueAsync("k-cs", false);',
    'h.rb': 'client.fetch_boolean_value(flag_key: "k-rb", default_value: false)',
    'i.php': "$client->getBooleanValue('k-php', false);",
    'j.swift': 'client.getBooleanValue(key: "k-swift", defaultValue: false)',
    'k.rs': 'client.get_bool_value("k-rs", None, None).await',
  };

  test.each(Object.entries(calls))('%s: a call at line 2', async (name, line) => {
    const dir = tempDir('switchyard-code-');
    writeFileSync(join(dir, name), `// header\n  ${line}\n`);
    const key = /"(k-[a-z]+)"|'(k-[a-z]+)'/.exec(line);
    const wanted = (key?.[1] ?? key?.[2]) as string;
    const refs = await findCodeReferences([dir], new Set([wanted]), dir);
    expect(refs.get(wanted)).toEqual([
      {
        file: name,
        line: 2,
        column: 3 + line.search(/[A-Za-z_]+\s*\(\s*(key:|flag_key:)?\s*["'c]/),
        kind: 'call',
      },
    ]);
  });

  test('a key held in a constant counts as a literal reference; other words do not', async () => {
    const dir = tempDir('switchyard-code-');
    writeFileSync(
      join(dir, 'x.ts'),
      "const FLAG = 'k1';\nclient.getBooleanValue(FLAG, false);\n// k2 in a comment\n",
    );
    const refs = await findCodeReferences([dir], new Set(['k1', 'k2']), dir);
    expect(refs.get('k1')).toEqual([{ file: 'x.ts', line: 1, column: 14, kind: 'literal' }]);
    expect(refs.has('k2')).toBe(false);
  });
});
