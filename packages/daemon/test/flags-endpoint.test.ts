// GET /flags on the management port (docs/adr/0026): the same flag_configuration bytes as
// FetchAllFlags per selector, a strong ETag that is a hash of them (304 on If-None-Match, equal
// across daemons serving the same flags), gzip on request, 503 before any flags, 400 for a bad
// selector. And a daemon fed by another one through it (`http` source) and through SyncFlags
// (`grpc` source), in one process.
import { gunzipSync } from 'node:zlib';
import { Metadata } from '@grpc/grpc-js';
import { type TestDaemon, atomicWrite, flagsDoc, startTestDaemon } from './helpers/harness.js';

const daemons: TestDaemon[] = [];
afterEach(async () => {
  await Promise.all(daemons.splice(0).map((d) => d.close()));
});

async function daemon(...args: Parameters<typeof startTestDaemon>): Promise<TestDaemon> {
  const d = await startTestDaemon(...args);
  daemons.push(d);
  return d;
}

const url = (d: TestDaemon, query = '') =>
  `http://127.0.0.1:${d.daemon.ports.management}/flags${query}`;

function fetchAll(d: TestDaemon, selector = ''): Promise<string> {
  const metadata = new Metadata();
  if (selector) metadata.set('flagd-selector', selector);
  return new Promise((resolve, reject) =>
    d
      .syncClient()
      .fetchAllFlags(
        { $typeName: 'flagd.sync.v1.FetchAllFlagsRequest', providerId: '', selector: '' },
        metadata,
        {},
        (error, response) => (error ? reject(error) : resolve(response!.flagConfiguration)),
      ),
  );
}

const TWO_SETS = {
  'a.json': flagsDoc({ a: 'on' }, { metadata: { flagSetId: 'team-a' } }),
  'b.json': flagsDoc({ b: 'off' }, { metadata: { flagSetId: 'team-b' } }),
};

test('serves the FetchAllFlags bytes per selector, with a strong ETag and 304 on If-None-Match', async () => {
  const d = await daemon({ files: TWO_SETS });
  const all = await fetch(url(d));
  expect(all.status).toBe(200);
  expect(all.headers.get('content-type')).toBe('application/json');
  expect(all.headers.get('cache-control')).toBe('no-cache');
  expect(all.headers.get('vary')).toBe('Flagd-Selector, Accept-Encoding');
  const etag = all.headers.get('etag')!;
  expect(etag).toMatch(/^"[\w-]+"$/);
  expect(await all.text()).toBe(await fetchAll(d));

  const byQuery = await fetch(url(d, '?selector=flagSetId%3Dteam-a'));
  const byHeader = await fetch(url(d, '?selector=flagSetId%3Dteam-b'), {
    headers: { 'flagd-selector': 'flagSetId=team-a' }, // the header wins, as on gRPC
  });
  const teamA = await fetchAll(d, 'flagSetId=team-a');
  expect(await byQuery.text()).toBe(teamA);
  expect(await byHeader.text()).toBe(teamA);
  expect(byQuery.headers.get('etag')).not.toBe(etag);

  const again = await fetch(url(d), { headers: { 'if-none-match': `W/${etag}, "other"` } });
  expect(again.status).toBe(304);
  expect(again.headers.get('etag')).toBe(etag);

  atomicWrite(`${d.dir}/b.json`, flagsDoc({ b: 'on' }, { metadata: { flagSetId: 'team-b' } }));
  await d.nextGeneration();
  const changed = await fetch(url(d), { headers: { 'if-none-match': etag } });
  expect(changed.status).toBe(200);
  expect(changed.headers.get('etag')).not.toBe(etag);
});

test('two daemons serving the same flags give the same ETag; gzip when asked; HEAD; errors', async () => {
  const many = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`flag-${i}`, 'on']));
  // The same relative source id in two directories: the same payload bytes, so the same ETag.
  const one = await daemon({ files: { 'f.json': flagsDoc(many) }, sources: ['file:f.json'] });
  const two = await daemon({ files: { 'f.json': flagsDoc(many) }, sources: ['file:f.json'] });
  expect(one.dir).not.toBe(two.dir);
  const [a, b] = await Promise.all([fetch(url(one)), fetch(url(two))]);
  expect(a.headers.get('etag')).toBe(b.headers.get('etag'));

  const zipped = await new Promise<{ status: number; etag: string; body: Buffer }>((resolve) => {
    // fetch() decodes gzip itself; read the raw bytes with node:http.
    import('node:http').then(({ get }) =>
      get(url(one), { headers: { 'accept-encoding': 'gzip' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            etag: String(res.headers.etag),
            body: Buffer.concat(chunks),
          }),
        );
      }),
    );
  });
  expect(zipped.status).toBe(200);
  expect(gunzipSync(zipped.body).toString()).toBe(await fetchAll(one));
  expect(zipped.etag).toMatch(/\.gz"$/);

  const head = await fetch(url(one), {
    method: 'HEAD',
    headers: { 'accept-encoding': 'identity' },
  });
  expect(head.status).toBe(200);
  expect(Number(head.headers.get('content-length'))).toBeGreaterThan(1000);
  expect((await fetch(url(one), { method: 'POST' })).status).toBe(405);
  const bad = await fetch(url(one, '?selector=owner%3Dme'));
  expect(bad.status).toBe(400);
  expect(await bad.text()).toMatch(/unsupported selector key "owner"/);
});

test('503 with Retry-After while no source has usable content', async () => {
  const d = await daemon({ files: { 'f.json': '{"flags": ' } });
  const response = await fetch(url(d));
  expect(response.status).toBe(503);
  expect(response.headers.get('retry-after')).toBe('1');
});

test('a daemon follows another through /flags (http) and through SyncFlags (grpc)', async () => {
  const root = await daemon({ files: TWO_SETS });
  const fast = { http: { intervalMs: 30, offsetMs: 0 }, grpc: { retryBackoffMs: 50 } };
  const viaHttp = await daemon({
    sources: [{ uri: url(root, '?selector=flagSetId%3Dteam-a'), provider: 'http' }],
    remoteSources: fast,
  });
  const viaGrpc = await daemon({
    sources: [`grpc://127.0.0.1:${root.daemon.ports.sync}`],
    remoteSources: fast,
  });
  expect((await viaHttp.readyz()).status).toBe(200);
  expect(JSON.parse(await fetchAll(viaHttp)).flags).toEqual({
    a: expect.objectContaining({ defaultVariant: 'on', metadata: { flagSetId: 'team-a' } }),
  });
  // The follower's selectors work on the flag sets the root's flags carry.
  expect(Object.keys(JSON.parse(await fetchAll(viaGrpc, 'flagSetId=team-b')).flags)).toEqual(['b']);

  atomicWrite(`${root.dir}/a.json`, flagsDoc({ a: 'off' }, { metadata: { flagSetId: 'team-a' } }));
  const [httpGeneration, grpcGeneration] = await Promise.all([
    viaHttp.nextGeneration(),
    viaGrpc.nextGeneration(),
  ]);
  expect(httpGeneration.changes.changed).toEqual(['a']);
  expect(grpcGeneration.changes.changed).toEqual(['a']);
  expect(JSON.parse(await fetchAll(viaGrpc)).flags.a.defaultVariant).toBe('off');
});
