// The sync service through a raw grpc-js client (the typed client of @switchyard/protocol):
// merging, every selector form, the flagd payload shape, SyncFlags/FetchAllFlags/GetMetadata,
// not re-sending unchanged payloads, one encoding per generation and selector, stream deadline.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Metadata, status } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';
import type { SyncFlagsRequest } from '@switchyard/protocol';
import { ALL_FLAGS, parseSelector } from '../src/store/selector.js';
import { syncPayloadSlot } from '../src/sync/sync-payload.js';
import {
  atomicWrite,
  flagKeys,
  flagsDoc,
  selectorMetadata,
  startTestDaemon,
  streamReader,
  tempDir,
} from './helpers/harness.js';
import type { TestDaemon } from './helpers/harness.js';

let t: TestDaemon | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const request = (selector = ''): SyncFlagsRequest => ({
  $typeName: 'flagd.sync.v1.SyncFlagsRequest',
  providerId: 'test',
  selector,
});

/** Three sources: a (no set), b (set "team-b"), c (no set, overrides a's `shared`). */
async function threeSources(
  extra: Parameters<typeof startTestDaemon>[0] = {},
): Promise<TestDaemon> {
  const dir = tempDir();
  writeFileSync(
    join(dir, 'a.json'),
    JSON.stringify({
      $evaluators: { isAdmin: { in: ['admin', { var: 'roles' }] } },
      flags: {
        shared: { state: 'ENABLED', variants: { from_a: 'a' }, defaultVariant: 'from_a' },
        only_a: {
          state: 'ENABLED',
          variants: { on: true, off: false },
          defaultVariant: 'off',
          targeting: { if: [{ $ref: 'isAdmin' }, 'on', null] },
          metadata: { owner: 'team-a' },
        },
        no_default: { state: 'DISABLED', variants: { x: 1 }, defaultVariant: null },
      },
    }),
  );
  writeFileSync(
    join(dir, 'b.yaml'),
    'metadata:\n  flagSetId: team-b\n  version: "3"\nflags:\n  shared:\n    state: ENABLED\n    variants: {from_b: b}\n    defaultVariant: from_b\n  only_b:\n    state: ENABLED\n    variants: {on: true}\n    defaultVariant: "on"\n    metadata: {version: "4"}\n',
  );
  writeFileSync(
    join(dir, 'c.json'),
    JSON.stringify({
      flags: { shared: { state: 'ENABLED', variants: { from_c: 'c' }, defaultVariant: 'from_c' } },
    }),
  );
  return startTestDaemon({
    dir,
    sources: ['file:a.json', { uri: 'b.yaml', provider: 'file' }, 'file:c.json'],
    contextValues: { env: 'test', region: 'eu' },
    ...extra,
  });
}

function fetchAll(d: TestDaemon, selector: string, metadata = new Metadata()): Promise<string> {
  return new Promise((resolve, reject) => {
    d.syncClient().fetchAllFlags(
      { $typeName: 'flagd.sync.v1.FetchAllFlagsRequest', providerId: '', selector },
      metadata,
      {},
      (error, response) => (error ? reject(error) : resolve(response!.flagConfiguration)),
    );
  });
}

describe('SyncFlags payload and merging', () => {
  test('sends the current configuration at once, in flagd payload shape, with sync_context = -X map', async () => {
    t = await threeSources();
    const stream = streamReader(t.syncClient().syncFlags(request()));
    const first = await stream.next();
    expect(first.syncContext).toEqual({ env: 'test', region: 'eu' });
    const payload = JSON.parse(first.flagConfiguration);
    expect(Object.keys(payload)).toEqual(['flags']); // no $evaluators, no top-level metadata
    // flagd's payload: {state, defaultVariant, variants, targeting?, metadata?, source}, $ref inlined.
    expect(payload.flags.only_a).toEqual({
      state: 'ENABLED',
      defaultVariant: 'off',
      variants: { on: true, off: false },
      targeting: { if: [{ in: ['admin', { var: 'roles' }] }, 'on', null] },
      metadata: { owner: 'team-a' },
      source: 'a.json',
    });
    // defaultVariant "" when there is none; no metadata key when there is none.
    expect(payload.flags.no_default).toEqual({
      state: 'DISABLED',
      defaultVariant: '',
      variants: { x: 1 },
      source: 'a.json',
    });
    // Set metadata merged into each flag (the flag wins), including flagSetId.
    expect(payload.flags.only_b.metadata).toEqual({ flagSetId: 'team-b', version: '4' });
    expect(payload.flags.only_b.source).toBe('b.yaml');
    // Without a selector a key present in several sets appears once; the last source wins.
    expect(payload.flags.shared.variants).toEqual({ from_c: 'c' });
    t.syncClient().close();
  });

  test.each([
    ['flagSetId=team-b', ['only_b', 'shared']],
    ['flagSetId=', ['no_default', 'only_a', 'shared']],
    ['source=a.json', ['no_default', 'only_a']],
    ['b.yaml', ['only_b', 'shared']],
    ['c.json', ['shared']],
    ['source=nowhere', []],
    ['flagSetId=nobody', []],
  ])('selector %s via the flagd-selector header', async (selector, keys) => {
    t = await threeSources();
    const stream = streamReader(t.syncClient().syncFlags(request(), selectorMetadata(selector)));
    expect(flagKeys(await stream.next())).toEqual(keys);
    expect(
      flagKeys({ flagConfiguration: await fetchAll(t, '', selectorMetadata(selector)) }),
    ).toEqual(keys);
  });

  test('the deprecated request field works, and the header wins over it', async () => {
    t = await threeSources();
    const byField = streamReader(t.syncClient().syncFlags(request('flagSetId=team-b')));
    expect(flagKeys(await byField.next())).toEqual(['only_b', 'shared']);
    const both = streamReader(
      t.syncClient().syncFlags(request('flagSetId=team-b'), selectorMetadata('source=c.json')),
    );
    expect(flagKeys(await both.next())).toEqual(['shared']);
    expect(flagKeys({ flagConfiguration: await fetchAll(t, 'source=a.json') })).toEqual([
      'no_default',
      'only_a',
    ]);
  });

  test('an unknown selector key is INVALID_ARGUMENT', async () => {
    t = await threeSources();
    const stream = streamReader(t.syncClient().syncFlags(request(), selectorMetadata('team=b')));
    const error = (await stream.ended()) as ServiceError;
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(error.details).toMatch(/unsupported selector key "team"/);
    await expect(fetchAll(t, 'flag=x')).rejects.toMatchObject({ code: status.INVALID_ARGUMENT });
  });

  test('later sources win per (flagSetId, key); deleting the winner restores the shadowed copy', async () => {
    t = await threeSources();
    const stream = streamReader(
      t.syncClient().syncFlags(request(), selectorMetadata('flagSetId=')),
    );
    expect(JSON.parse((await stream.next()).flagConfiguration).flags.shared.source).toBe('c.json');
    atomicWrite(join(t.dir, 'c.json'), flagsDoc({ other: 'on' }));
    const next = JSON.parse((await stream.next()).flagConfiguration);
    // flagd loses the shadowed copy until its source emits again (no resync); we merge from state.
    expect(next.flags.shared).toMatchObject({ source: 'a.json', variants: { from_a: 'a' } });
  });

  test('each generation streams once; an unchanged payload for a selector is not re-sent', async () => {
    t = await threeSources();
    const onlyA = streamReader(
      t.syncClient().syncFlags(request(), selectorMetadata('source=a.json')),
    );
    const all = streamReader(t.syncClient().syncFlags(request()));
    await onlyA.next();
    await all.next();
    // Change b: the unselected stream gets it, the source=a.json stream does not.
    atomicWrite(
      join(t.dir, 'b.yaml'),
      'flags:\n  only_b: {state: ENABLED, variants: {on: true}, defaultVariant: "on"}\n',
    );
    expect(flagKeys(await all.next())).toContain('only_b');
    // Then change a: the next message on the a-stream is a's change (nothing was sent for b).
    atomicWrite(join(t.dir, 'a.json'), flagsDoc({ a_changed: 'on' }));
    expect(flagKeys(await onlyA.next())).toEqual(['a_changed']);
    expect(flagKeys(await all.next())).toContain('a_changed');
    expect(onlyA.received).toHaveLength(0);
  });

  test('a payload is encoded once per generation and selector, shared by every stream', async () => {
    t = await threeSources();
    const g = t.daemon.generation()!;
    const payloads = syncPayloadSlot({});
    const view = g.view(parseSelector('flagSetId=team-b'));
    const a = view.cached(payloads);
    expect(g.view(parseSelector(' flagSetId = team-b '))).toBe(view);
    expect(g.view(parseSelector('flagSetId=team-b')).cached(payloads)).toBe(a);
    expect(g.view(ALL_FLAGS).cached(payloads)).not.toBe(a);
  });

  test('the daemon writes that shared frame to each stream as it is, past its rpc.server.* interceptor', async () => {
    t = await threeSources();
    const stream = streamReader(t.syncClient().syncFlags(request()));
    await stream.next();
    const opened = await t.waitForLog((line) => line.msg === 'sync stream opened');
    // false would mean grpc-js copies every payload per stream (a stalled stream holds a copy).
    expect(opened.sharedFrames).toBe(true);
  });

  test('FetchAllFlags returns the same payload; GetMetadata returns the -X map', async () => {
    t = await threeSources();
    const stream = streamReader(t.syncClient().syncFlags(request()));
    expect(await fetchAll(t, '')).toBe((await stream.next()).flagConfiguration);
    const metadata = await new Promise((resolve, reject) =>
      t!
        .syncClient()
        .getMetadata(
          { $typeName: 'flagd.sync.v1.GetMetadataRequest' },
          new Metadata(),
          {},
          (e, r) => (e ? reject(e) : resolve(r!.metadata)),
        ),
    );
    expect(metadata).toEqual({ env: 'test', region: 'eu' });
  });

  test('GetMetadata is UNIMPLEMENTED with --disable-sync-metadata', async () => {
    t = await threeSources({ disableSyncMetadata: true });
    await expect(
      new Promise((resolve, reject) =>
        t!
          .syncClient()
          .getMetadata(
            { $typeName: 'flagd.sync.v1.GetMetadataRequest' },
            new Metadata(),
            {},
            (e, r) => (e ? reject(e) : resolve(r)),
          ),
      ),
    ).rejects.toMatchObject({ code: status.UNIMPLEMENTED });
  });

  test('--stream-deadline ends streams with DEADLINE_EXCEEDED, as flagd does', async () => {
    t = await threeSources({ streamDeadlineMs: 100 });
    const stream = streamReader(t.syncClient().syncFlags(request()));
    await stream.next();
    const error = (await stream.ended()) as ServiceError;
    expect(error.code).toBe(status.DEADLINE_EXCEEDED);
    expect(error.details).toBe('stream closed due to server-side timeout');
  });

  test('close() ends open streams with UNAVAILABLE so providers reconnect', async () => {
    t = await threeSources();
    const stream = streamReader(t.syncClient().syncFlags(request()));
    await stream.next();
    expect(await t.metrics()).toMatch(/switchyard_sync_active_streams 1/);
    const ended = stream.ended();
    await t.daemon.close();
    expect(((await ended) as ServiceError).code).toBe(status.UNAVAILABLE);
  });
});
