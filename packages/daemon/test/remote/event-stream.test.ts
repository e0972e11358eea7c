// EventStream of flagd.evaluation v1/v2 (open-feature/flagd:
// flagd/pkg/service/flag-evaluation/flag_evaluator_v1.go, core/pkg/service/iservice.go):
// provider_ready on subscribe, configuration_change with a per-flag
// write/update/delete diff of the caller's selector, keep_alive after an idle interval (20 s in
// flagd, injected short here), provider_shutdown when the daemon closes.
import { status } from '@grpc/grpc-js';
import { atomicWrite } from '../helpers/harness.js';
import { FLAGS, SET_FLAGS, eventReader, metadataOf, startRemoteDaemon } from './helpers.js';
import type { RemoteDaemon } from './helpers.js';

const request = (version: 1 | 2) =>
  ({ $typeName: `flagd.evaluation.v${version}.EventStreamRequest` }) as never;

function open(d: RemoteDaemon, version: 1 | 2, headers: Record<string, string> = {}) {
  const client = version === 1 ? d.v1 : d.v2;
  const stream = client.eventStream(request(version), metadataOf(headers));
  return { stream, reader: eventReader(stream) };
}

describe('EventStream', () => {
  let d: RemoteDaemon;
  beforeEach(async () => {
    d = await startRemoteDaemon({ eventKeepAliveMs: 60_000 });
  });
  afterEach(() => d.close());

  test.each([1, 2] as const)(
    'v%i: provider_ready first, then a per-flag diff of the change',
    async (version) => {
      const { stream, reader } = open(d, version);
      expect(await reader.next()).toMatchObject({ type: 'provider_ready' });
      const edited = structuredClone(FLAGS) as { flags: Record<string, unknown> };
      (edited.flags['string-flag'] as { defaultVariant: string }).defaultVariant = 'bye';
      delete edited.flags['float-flag'];
      edited.flags['new-flag'] = { state: 'ENABLED', variants: { a: 'a' }, defaultVariant: 'a' };
      atomicWrite(`${d.dir}/a-flags.json`, JSON.stringify(edited));
      const change = await reader.next();
      expect(change).toMatchObject({ type: 'configuration_change' });
      expect(change.data).toEqual({
        flags: {
          'string-flag': { type: 'update' },
          'float-flag': { type: 'delete' },
          'new-flag': { type: 'write' },
        },
      });
      stream.cancel();
    },
  );

  test('the diff is scoped to the caller selector; unchanged views send nothing', async () => {
    const all = open(d, 2);
    const teamA = open(d, 2, { 'flagd-selector': 'flagSetId=team-a' });
    const sourceA = open(d, 2, { 'flagd-selector': 'source=a-flags.json' });
    for (const s of [all, teamA, sourceA])
      expect((await s.reader.next()).type).toBe('provider_ready');
    // Change only the set file: the a-flags.json view is unchanged.
    const edited = structuredClone(SET_FLAGS) as { flags: Record<string, unknown> };
    edited.flags['team-flag'] = { state: 'ENABLED', variants: { no: 'no' }, defaultVariant: 'no' };
    atomicWrite(`${d.dir}/b-set.json`, JSON.stringify(edited));
    expect((await teamA.reader.next()).data).toEqual({
      flags: { 'team-flag': { type: 'update' } },
    });
    expect((await all.reader.next()).data).toEqual({ flags: { 'team-flag': { type: 'update' } } });
    // Now change a-flags.json: the first event source=a-flags.json receives is about that file.
    const next = structuredClone(FLAGS);
    next.flags['string-flag'].defaultVariant = 'bye';
    atomicWrite(`${d.dir}/a-flags.json`, JSON.stringify(next));
    expect((await sourceA.reader.next()).data).toEqual({
      flags: { 'string-flag': { type: 'update' } },
    });
    expect((await all.reader.next()).data).toEqual({
      flags: { 'string-flag': { type: 'update' } },
    });
    for (const s of [all, teamA, sourceA]) s.stream.cancel();
  });

  test('an unknown selector key ends the stream with INVALID_ARGUMENT', async () => {
    const { reader } = open(d, 2, { 'flagd-selector': 'color=blue' });
    expect((await reader.closed())?.code).toBe(status.INVALID_ARGUMENT);
  });

  test('provider_shutdown when the daemon closes, then the stream ends', async () => {
    const { reader } = open(d, 2);
    expect((await reader.next()).type).toBe('provider_ready');
    const closing = d.daemon.close();
    expect((await reader.next()).type).toBe('provider_shutdown');
    await reader.closed();
    await closing;
  });
});

describe('keep_alive (injectable interval; flagd sends it after 20 s without a message)', () => {
  test('sent after the idle interval, and the interval restarts after every message', async () => {
    const d = await startRemoteDaemon({ eventKeepAliveMs: 150 });
    try {
      const { stream, reader } = open(d, 2);
      const t0 = Date.now();
      expect((await reader.next()).type).toBe('provider_ready');
      expect((await reader.next()).type).toBe('keep_alive');
      const t1 = Date.now();
      expect(t1 - t0).toBeGreaterThanOrEqual(140);
      expect((await reader.next()).type).toBe('keep_alive');
      expect(Date.now() - t1).toBeGreaterThanOrEqual(140);
      stream.cancel();
    } finally {
      await d.close();
    }
  });

  test('the default interval is flagd’s 20 s', async () => {
    const { KEEP_ALIVE_MS } = await import('../../src/remote/event-stream.js');
    expect(KEEP_ALIVE_MS).toBe(20_000);
  });
});

test('--stream-deadline also ends EventStreams with DEADLINE_EXCEEDED (flagd start --stream-deadline)', async () => {
  const d = await startRemoteDaemon({ streamDeadlineMs: 200 });
  try {
    const { reader } = open(d, 1);
    expect((await reader.next()).type).toBe('provider_ready');
    const error = await reader.closed();
    expect(error?.code).toBe(status.DEADLINE_EXCEEDED);
  } finally {
    await d.close();
  }
});
