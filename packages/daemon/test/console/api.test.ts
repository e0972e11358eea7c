// The console's API on the management port, against a real daemon over real files: the catalog
// with file:line, owners and staleness, a flag's details (splits, audit, git history), the
// playground computing what the engine computes, health with rule errors, the live event
// stream, the one guard in front of every non-probe route, and the assets' headers.
import { request } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSnapshot, evaluateAny, parseFlags } from '@switchyard/core';
import type { ConsoleOverview, ExplainResponse, FlagDetail } from '../../src/console/api-types.js';
import { atomicWrite, flagsDoc, startTestDaemon, type TestDaemon } from '../helpers/harness.js';
import { entryFor, git, initRepo } from '../audit/helpers.js';
import { ensureUiBuilt } from '../helpers/ui-build.js';

const release = (on: number) =>
  flagsDoc(
    {
      'new-checkout': {
        targeting: {
          fractional: [
            ['on', on],
            ['off', 100 - on],
          ],
        },
        defaultVariant: 'off',
        metadata: { owner: 'team-checkout', expires: '2099-01-01' },
      },
      'old-banner': {
        defaultVariant: 'on',
        metadata: { owner: 'team-web', expires: '2020-01-01' },
      },
      broken: { defaultVariant: 'off', targeting: { regex_match: [{ var: 'email' }, 'x'] } },
    },
    { metadata: { flagSetId: 'shop' } },
  );
const RELEASE = release(10);

let t: TestDaemon;
let base: string;

beforeAll(async () => {
  ensureUiBuilt();
  const { tempDir } = await import('../helpers/harness.js');
  const dir = tempDir('switchyard-console-');
  initRepo(dir, 'Ada Lovelace', 'ada@example.com');
  writeFileSync(join(dir, 'release.json'), RELEASE);
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'release flags');
  t = await startTestDaemon({ dir });
  base = `http://127.0.0.1:${t.daemon.ports.management}`;
});

afterAll(() => t.close());

const get = async <T>(path: string) => {
  const response = await fetch(`${base}${path}`);
  return { status: response.status, body: (await response.json()) as T, headers: response.headers };
};

test('overview: every served flag with owner, file:line, lifecycle and staleness', async () => {
  const { body } = await get<ConsoleOverview>('/ui/api/overview');
  expect(body.generation).toBe(1);
  const byKey = new Map(body.flags.map((f) => [f.key, f]));
  expect(byKey.get('new-checkout')).toMatchObject({
    flagSetId: 'shop',
    owner: 'team-checkout',
    file: 'release.json',
    line: 3,
    state: 'ENABLED',
    defaultVariant: 'off',
    targeting: true,
    lifecycle: 'active',
    stale: [],
    evaluations: 0,
  });
  expect(byKey.get('old-banner')?.lifecycle).toBe('expired');
  expect(byKey.get('old-banner')?.stale.map((s) => s.reason)).toEqual([
    'expired',
    'single-variant',
  ]);
  expect(byKey.get('broken')?.ruleError).toMatch(/release\.json:\d+:\d+: error UNKNOWN_OPERATOR/);
});

test('flag: variants, rule, splits, audit entry and git history', async () => {
  await entryFor(t.daemon, 1);
  const { body } = await get<FlagDetail>('/ui/api/flag?key=new-checkout&set=shop');
  expect(body.variantValues).toEqual([
    { name: 'on', value: true },
    { name: 'off', value: false },
  ]);
  expect(body.splits).toEqual([
    {
      path: 'targeting',
      buckets: [
        { variant: 'on', weight: 10 },
        { variant: 'off', weight: 90 },
      ],
    },
  ]);
  expect(body.audit[0]).toMatchObject({ generation: 1, kind: 'added' });
  expect(body.audit[0]?.git[0]?.commit?.author).toBe('Ada Lovelace');
  const history = await get<{ commits: { subject: string; change: string; author: string }[] }>(
    '/ui/api/flag/history?key=new-checkout&set=shop',
  );
  expect(history.body.commits).toEqual([
    expect.objectContaining({ subject: 'release flags', change: 'added', author: 'Ada Lovelace' }),
  ]);
  expect((await get('/ui/api/flag?key=nope')).status).toBe(404);
  expect((await get('/ui/api/flag')).status).toBe(400);
});

async function explain(body: unknown) {
  const response = await fetch(`${base}/ui/api/explain`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    body: (await response.json()) as ExplainResponse & { error?: string },
  };
}

test('explain: the variant the engine computes, with the trace', async () => {
  const parsed = parseFlags(RELEASE, { targetingErrors: 'isolate' });
  const { snapshot } = createSnapshot(parsed.configuration!);
  for (const targetingKey of ['user-1', 'user-2', 'user-3', 'user-42']) {
    const { status, body } = await explain({
      key: 'new-checkout',
      flagSetId: 'shop',
      context: { targetingKey },
    });
    expect(status).toBe(200);
    const expected = evaluateAny(snapshot, { flagKey: 'new-checkout', context: { targetingKey } });
    expect(body.result.variant).toBe(expected.variant);
    expect(body.trace.rule?.op).toBe('fractional');
  }
  const broken = await explain({ key: 'broken', context: {} });
  expect(broken.body.result).toMatchObject({ reason: 'ERROR', errorCode: 'PARSE_ERROR' });
  expect((await explain({ context: {} })).status).toBe(400);
  expect((await explain({ key: 'x', context: [] })).status).toBe(400);
  const huge = await fetch(`${base}/ui/api/explain`, { method: 'POST', body: 'x'.repeat(70_000) });
  expect(huge.status).toBe(400);
  expect((await fetch(`${base}/ui/api/explain`)).status).toBe(405);
});

test('health: sources and the flags served with a rule error, with file:line', async () => {
  const { body } = await get<{ status: string; ruleErrors: { key: string; message: string }[] }>(
    '/ui/api/health',
  );
  expect(body.status).toBe('ok');
  expect(body.ruleErrors).toEqual([
    {
      key: 'broken',
      message: expect.stringMatching(/release\.json:\d+:\d+: error UNKNOWN_OPERATOR/),
    },
  ]);
});

/** Reads server-sent events until one named `name` arrives. */
function nextEvent(name: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}/ui/api/events`, (res) => {
      let buffer = '';
      res.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        for (const block of buffer.split('\n\n').slice(0, -1)) {
          const event = /^event: (\w+)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event === name && data !== undefined) {
            req.destroy();
            resolve(JSON.parse(data));
          }
        }
        buffer = buffer.slice(buffer.lastIndexOf('\n\n') + 2);
      });
      res.once('error', reject);
    });
    req.once('error', () => undefined);
    req.end();
    req.once('response', (res) => {
      expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
      // Connected: make the daemon publish a generation.
      atomicWrite(join(t.dir, 'release.json'), release(20));
    });
  });
}

test('events: a generation published is announced on the open stream', async () => {
  const event = (await nextEvent('generation')) as { generation: number };
  expect(event.generation).toBeGreaterThan(1);
  const { body } = await get<FlagDetail>('/ui/api/flag?key=new-checkout&set=shop');
  expect(body.splits[0]?.buckets).toEqual([
    { variant: 'on', weight: 20 },
    { variant: 'off', weight: 80 },
  ]);
});

test('assets: /ui redirects, /ui/ is the app with a strict content security policy', async () => {
  const redirect = await fetch(`${base}/ui`, { redirect: 'manual' });
  expect(redirect.status).toBe(308);
  expect(redirect.headers.get('location')).toBe('/ui/');
  const page = await fetch(`${base}/ui/`);
  expect(page.status).toBe(200);
  expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
  expect(await page.text()).toContain('<script src="app.js" defer></script>');
  const etag = (await fetch(`${base}/ui/app.js`)).headers.get('etag') ?? '';
  expect((await fetch(`${base}/ui/app.js`, { headers: { 'if-none-match': etag } })).status).toBe(
    304,
  );
  expect((await fetch(`${base}/ui/../readyz`)).status).not.toBe(500);
  expect((await fetch(`${base}/ui/api/nope`)).status).toBe(404);
});

test('the guard decides on every route but the probes', async () => {
  const guarded = await startTestDaemon({
    files: { 'a.json': flagsDoc({ a: 'on' }) },
    managementGuard: async (req) =>
      req.raw.headers.authorization === 'Bearer let-me-in'
        ? undefined
        : { status: 401, message: 'who are you?' },
  });
  try {
    const at = `http://127.0.0.1:${guarded.daemon.ports.management}`;
    expect((await fetch(`${at}/readyz`)).status).toBe(200);
    expect((await fetch(`${at}/healthz`)).status).toBe(200);
    for (const path of ['/metrics', '/audit', '/ui/', '/ui/api/overview', '/ui/api/events']) {
      expect((await fetch(`${at}${path}`)).status).toBe(401);
    }
    const allowed = await fetch(`${at}/ui/api/overview`, {
      headers: { authorization: 'Bearer let-me-in' },
    });
    expect(allowed.status).toBe(200);
  } finally {
    await guarded.close();
  }
});
