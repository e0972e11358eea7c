// --auth-config on the sync, OFREP and management ports, with real clients on loopback: no or
// an unknown token is refused with no flag data, a scoped token sees exactly its sets through
// every service, a revoked token is refused after a reload (open streams too), an invalid
// reload keeps the last good configuration, and the probes stay open.
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { startDaemon } from '../../src/daemon.js';
import { AuthConfigError } from '../../src/errors/auth-config-error.js';
import { credentials } from '@grpc/grpc-js';
import { EvaluationV2ServiceClient } from '@switchyard/protocol';
import { entryFor, git, initRepo } from '../audit/helpers.js';
import { call, eventReader, metadataOf } from '../remote/helpers.js';
import { atomicWrite, flagsDoc, startTestDaemon, tempDir } from '../helpers/harness.js';
import {
  FILES,
  TOKENS,
  bearer,
  clients,
  fetchAll,
  firstSync,
  metadata,
  startAuthDaemon,
  status,
} from './support.js';
import type { AuthDaemon } from './support.js';

const BULK = '/ofrep/v1/evaluate/flags';
const SINGLE = '/ofrep/v1/evaluate/flags/';

let d: AuthDaemon;
beforeAll(async () => {
  d = await startAuthDaemon();
});
afterAll(() => d.close());

const NO_DATA = /a-secret|b-secret|no-set|launch-a|price-b/;

/** The console's server-sent events with a token: its status, its events by name, its end. */
function consoleEvents(port: number, token: string) {
  const waiting = new Map<string, (data: unknown) => void>();
  let ended: () => void = () => {};
  const end = new Promise<void>((resolve) => {
    ended = resolve;
  });
  const req = request({ host: '127.0.0.1', port, path: '/ui/api/events', headers: bearer(token) });
  const opened = new Promise<number>((resolve, reject) => {
    req.once('response', (res) => {
      resolve(res.statusCode ?? 0);
      let buffer = '';
      res.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const blocks = buffer.split('\n\n');
        buffer = blocks.pop() ?? '';
        for (const block of blocks) {
          const name = /^event: (\w+)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (name !== undefined && data !== undefined) waiting.get(name)?.(JSON.parse(data));
        }
      });
      res.once('end', ended);
    });
    req.once('error', reject);
  });
  req.end();
  return {
    opened,
    ended: end,
    next: (name: string) => new Promise<unknown>((resolve) => waiting.set(name, resolve)),
    close: () => req.destroy(),
  };
}

describe('no credential, or an unknown one: refused on every port with no flag data', () => {
  for (const [name, token] of [
    ['no token', undefined],
    ['an unknown token', TOKENS.unknown],
  ] as const) {
    test(`${name}: sync (SyncFlags, FetchAllFlags, GetMetadata)`, async () => {
      const client = d.sync();
      const headers = bearer(token);
      const stream = await firstSync(client, headers).result;
      expect(stream.error?.code).toBe(status.UNAUTHENTICATED);
      const fetched = await fetchAll(client, headers);
      expect(fetched.error?.code).toBe(status.UNAUTHENTICATED);
      expect(fetched.error?.details).not.toMatch(NO_DATA);
      const meta = await new Promise<{ code?: number | undefined }>((resolve) =>
        client.getMetadata(
          { $typeName: 'flagd.sync.v1.GetMetadataRequest' },
          metadata(headers),
          {},
          (error: { code?: number } | null) => resolve({ code: error?.code }),
        ),
      );
      expect(meta.code).toBe(status.UNAUTHENTICATED);
    });

    test(`${name}: OFREP single and bulk answer 401 with www-authenticate`, async () => {
      for (const path of [`${SINGLE}a-secret`, BULK]) {
        const r = await d.ofrep(path, token);
        expect(r.status).toBe(401);
        expect(r.headers['www-authenticate']).toBe('Bearer');
        expect(r.text).not.toMatch(NO_DATA);
      }
    });

    test(`${name}: management answers 401 on every route but the probes`, async () => {
      for (const path of ['/flags', '/audit', '/metrics', '/ui/', '/ui/api/overview']) {
        const r = await d.management(path, token);
        expect({ path, status: r.status }).toEqual({ path, status: 401 });
        expect(r.text).not.toMatch(NO_DATA);
      }
      expect((await d.management('/readyz', token)).status).toBe(200);
      expect((await d.management('/healthz', token)).status).toBe(200);
    });
  }

  test('failed attempts are counted per transport and reason; the token is never logged', async () => {
    const metrics = await d.management('/metrics', TOKENS.all);
    expect(metrics.text).toMatch(
      /switchyard_auth_failures_total\{transport="ofrep",reason="no_credential"\} [1-9]/,
    );
    expect(metrics.text).toMatch(
      /switchyard_auth_failures_total\{transport="sync",reason="unknown_credential"\} [1-9]/,
    );
    const logs = JSON.stringify(d.logs);
    for (const token of Object.values(TOKENS)) expect(logs).not.toContain(token);
  });
});

describe('a token scoped to team-a sees team-a only, through every service', () => {
  const a = bearer(TOKENS.a);

  test('sync without a selector: exactly team-a; with team-a: team-a; with team-b: PERMISSION_DENIED', async () => {
    const client = d.sync();
    expect((await firstSync(client, a).result).keys).toEqual(['a-secret', 'shared']);
    expect((await firstSync(client, a, 'flagSetId=team-a').result).keys).toEqual([
      'a-secret',
      'shared',
    ]);
    const header = await firstSync(client, { ...a, 'flagd-selector': 'flagSetId=team-a' }).result;
    expect(header.keys).toEqual(['a-secret', 'shared']);
    const denied = await firstSync(client, a, 'flagSetId=team-b').result;
    expect(denied.error?.code).toBe(status.PERMISSION_DENIED);
    expect(denied.error?.details).toContain('team-a');
    expect((await firstSync(client, a, 'source=b.json').result).error?.code).toBe(
      status.PERMISSION_DENIED,
    );
  });

  test('FetchAllFlags: the same', async () => {
    const client = d.sync();
    expect((await fetchAll(client, a)).keys).toEqual(['a-secret', 'shared']);
    expect((await fetchAll(client, a, 'flagSetId=team-a')).keys).toEqual(['a-secret', 'shared']);
    expect((await fetchAll(client, a, 'flagSetId=team-b')).error?.code).toBe(
      status.PERMISSION_DENIED,
    );
  });

  test('OFREP bulk lists team-a flags only; a team-b flag is not found; a team-b selector is 403', async () => {
    const bulk = await d.ofrep(BULK, TOKENS.a);
    expect(bulk.status).toBe(200);
    const keys = (bulk.json as { flags: { key: string }[] }).flags.map((f) => f.key).sort();
    expect(keys).toEqual(['a-secret', 'shared']);
    expect((await d.ofrep(`${SINGLE}a-secret`, TOKENS.a)).json).toMatchObject({
      value: 'launch-a',
    });
    const other = await d.ofrep(`${SINGLE}b-secret`, TOKENS.a);
    expect(other.status).toBe(404);
    expect(other.text).not.toContain('price-b');
    const selected = await d.ofrep(BULK, TOKENS.a, { 'flagd-selector': 'flagSetId=team-b' });
    expect(selected.status).toBe(403);
    expect(selected.text).not.toMatch(/b-secret|price-b/);
  });

  test('management: /flags serves team-a; /audit, /metrics and the console are 403', async () => {
    const flags = await d.management('/flags', TOKENS.a);
    expect(Object.keys((flags.json as { flags: object }).flags).sort()).toEqual([
      'a-secret',
      'shared',
    ]);
    expect((await d.management('/flags?selector=flagSetId%3Dteam-b', TOKENS.a)).status).toBe(403);
    for (const path of ['/audit', '/metrics', '/ui/', '/ui/api/overview']) {
      expect({ path, status: (await d.management(path, TOKENS.a)).status }).toEqual({
        path,
        status: 403,
      });
    }
  });

  test('a client of two sets gets their union without a selector, either with one', async () => {
    const client = d.sync();
    const ab = bearer(TOKENS.ab);
    expect((await firstSync(client, ab).result).keys).toEqual(['a-secret', 'b-secret', 'shared']);
    expect((await fetchAll(client, ab, 'flagSetId=team-b')).keys).toEqual(['b-secret']);
    expect((await fetchAll(client, ab, 'flagSetId=')).error?.code).toBe(status.PERMISSION_DENIED);
    const bulk = await d.ofrep(BULK, TOKENS.ab);
    expect((bulk.json as { flags: { key: string }[] }).flags.map((f) => f.key).sort()).toEqual([
      'a-secret',
      'b-secret',
      'shared',
    ]);
  });

  test('`*` reads everything; only an operator opens the console and sees /audit authors', async () => {
    expect((await fetchAll(d.sync(), bearer(TOKENS.all))).keys).toEqual([
      'a-secret',
      'b-secret',
      'no-set',
      'shared',
    ]);
    expect((await d.management('/audit', TOKENS.all)).status).toBe(200);
    expect((await d.management('/ui/api/overview', TOKENS.all)).status).toBe(403);
    expect((await d.management('/ui/api/overview', TOKENS.ops)).status).toBe(200);
  });
});

describe('reloads', () => {
  test('a revoked token is refused after the reload, and its open streams are ended', async () => {
    const t = await startAuthDaemon();
    try {
      const client = t.sync();
      const open = firstSync(client, bearer(TOKENS.a));
      expect((await open.result).keys).toEqual(['a-secret', 'shared']);
      const target = `127.0.0.1:${t.daemon.ports.evaluation}`;
      const events = new EvaluationV2ServiceClient(target, credentials.createInsecure());
      const eventStream = eventReader(
        events.eventStream(
          { $typeName: 'flagd.evaluation.v2.EventStreamRequest' } as never,
          metadataOf(bearer(TOKENS.a)),
        ),
      );
      expect((await eventStream.next()).type).toBe('provider_ready');
      const without = clients().clients.filter((c) => c.id !== 'team-a');
      t.writeAuth({ clients: without });
      expect((await open.ended).code).toBe(status.UNAUTHENTICATED);
      expect((await eventStream.closed())?.code).toBe(status.UNAUTHENTICATED);
      events.close();
      await t.waitForLog((l) => String(l.msg).startsWith('reloaded auth config'));
      expect((await firstSync(client, bearer(TOKENS.a)).result).error?.code).toBe(
        status.UNAUTHENTICATED,
      );
      expect((await t.management('/flags', TOKENS.a)).status).toBe(401);
      const v2 = new EvaluationV2ServiceClient(
        `127.0.0.1:${t.daemon.ports.evaluation}`,
        credentials.createInsecure(),
      );
      try {
        const resolved = await call(
          v2,
          v2.resolveString,
          { flagKey: 'a-secret', context: {} } as never,
          bearer(TOKENS.a),
        );
        expect(resolved.error?.code).toBe(status.UNAUTHENTICATED);
      } finally {
        v2.close();
      }
      expect((await t.ofrep(BULK, TOKENS.all)).status).toBe(200);
    } finally {
      await t.close();
    }
  });

  test("the console's event stream ends when its credential is revoked; another operator's goes on", async () => {
    const kept = 'second-operator-token-0123456789';
    const second = { id: 'ops-2', token: kept, selectors: ['*'], operator: true };
    const t = await startAuthDaemon({}, clients([second]));
    const revoked = consoleEvents(t.daemon.ports.management, TOKENS.ops);
    const staying = consoleEvents(t.daemon.ports.management, kept);
    try {
      expect(await revoked.opened).toBe(200);
      expect(await staying.opened).toBe(200);
      t.writeAuth({ clients: [...clients().clients.filter((c) => c.id !== 'ops'), second] });
      await t.waitForLog((l) => String(l.msg).startsWith('reloaded auth config'));
      await revoked.ended;
      expect((await t.management('/ui/api/events', TOKENS.ops)).status).toBe(401);
      expect((await t.management('/ui/api/overview', TOKENS.ops)).status).toBe(401);
      // The other operator's stream is still open: it announces the next generation.
      const generation = staying.next('generation');
      atomicWrite(join(t.dir, 'a.json'), FILES['a.json'].replaceAll('launch-a', 'launch-a2'));
      expect(await generation).toMatchObject({ generation: expect.any(Number) });
    } finally {
      revoked.close();
      staying.close();
      await t.close();
    }
  });

  test('an invalid reload keeps the last good config, is logged with file and JSON path, and counted', async () => {
    const t = await startAuthDaemon();
    try {
      t.writeAuth({ clients: [{ id: 'x', token: 'short', selectors: ['nope=1'] }] });
      const line = String(
        (await t.waitForLog((l) => String(l.msg).includes('the last good auth config'))).msg,
      );
      expect(line).toContain(`${t.authPath}: $.clients[0].token: must be at least 16 characters`);
      expect(line).toContain(`${t.authPath}: $.clients[0].selectors[0]: unsupported selector key`);
      expect((await t.ofrep(BULK, TOKENS.a)).status).toBe(200);
      expect((await t.ofrep(BULK)).status).toBe(401);
      const metrics = (await t.management('/metrics', TOKENS.all)).text;
      expect(metrics).toMatch(/switchyard_auth_config_valid 0/);
      expect(metrics).toMatch(/switchyard_auth_config_reloads_total\{result="rejected"\} 1/);
    } finally {
      await t.close();
    }
  });
});

test('a daemon does not start with an auth config that does not validate', async () => {
  const t = await startAuthDaemon();
  const text = readFileSync(t.authPath, 'utf8');
  await t.close();
  const start = startDaemon({
    sources: [],
    syncPort: 0,
    managementPort: 0,
    host: '127.0.0.1',
    logLevel: 'silent',
    authConfig: '/nonexistent/auth.yaml',
  });
  await expect(start).rejects.toBeInstanceOf(AuthConfigError);
  await expect(start).rejects.toThrow('/nonexistent/auth.yaml: no such file or directory');
  expect(text).toContain('team-a');
});

test('/audit: git authors for an operator only; a `*` client gets the entries without them', async () => {
  const dir = tempDir('switchyard-auth-audit-');
  initRepo(dir, 'Ada Lovelace', 'ada@example.com');
  writeFileSync(join(dir, 'flags.json'), flagsDoc({ a: 'on' }));
  writeFileSync(join(dir, 'auth.json'), JSON.stringify(clients()));
  git(dir, 'add', 'flags.json');
  git(dir, 'commit', '-q', '-m', 'add flag a');
  const t = await startTestDaemon({ dir, sources: ['file:flags.json'], authConfig: 'auth.json' });
  try {
    await entryFor(t.daemon, 1);
    const base = `http://127.0.0.1:${t.daemon.ports.management}/audit`;
    const read = async (token: string) => (await fetch(base, { headers: bearer(token) })).text();
    const forOperator = await read(TOKENS.ops);
    expect(forOperator).toContain('Ada Lovelace');
    expect(forOperator).toContain('ada@example.com');
    const forReader = await read(TOKENS.all);
    expect(JSON.parse(forReader).entries[0].git[0].commit.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(forReader).not.toMatch(/Ada Lovelace|ada@example\.com/);
  } finally {
    await t.close();
  }
});
