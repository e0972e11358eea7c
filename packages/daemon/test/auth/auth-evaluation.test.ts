// --auth-config on the evaluation port: every Resolve*, ResolveAll and EventStream refuses no or
// an unknown token, and a token scoped to team-a never sees team-b's flags — not as a value,
// not in ResolveAll, not as a change event.
import { credentials } from '@grpc/grpc-js';
import { EvaluationV1ServiceClient, EvaluationV2ServiceClient } from '@switchyard/protocol';
import { atomicWrite } from '../helpers/harness.js';
import { call, eventReader, metadataOf } from '../remote/helpers.js';
import { FILES, TOKENS, bearer, startAuthDaemon, status } from './support.js';
import type { AuthDaemon } from './support.js';

let d: AuthDaemon;
let v1: InstanceType<typeof EvaluationV1ServiceClient>;
let v2: InstanceType<typeof EvaluationV2ServiceClient>;
beforeAll(async () => {
  d = await startAuthDaemon();
  const target = `127.0.0.1:${d.daemon.ports.evaluation}`;
  v1 = new EvaluationV1ServiceClient(target, credentials.createInsecure());
  v2 = new EvaluationV2ServiceClient(target, credentials.createInsecure());
});
afterAll(async () => {
  v1.close();
  v2.close();
  await d.close();
});

const resolveString = (flagKey: string, headers: Record<string, string>) =>
  call(v2, v2.resolveString, { flagKey, context: {} } as never, headers);
const resolveAll = (headers: Record<string, string>) =>
  call(v1, v1.resolveAll, { context: {} } as never, headers);

test('no token or an unknown one: UNAUTHENTICATED on Resolve*, ResolveAll and EventStream', async () => {
  for (const token of [undefined, TOKENS.unknown]) {
    expect((await resolveString('a-secret', bearer(token))).error?.code).toBe(
      status.UNAUTHENTICATED,
    );
    expect((await resolveAll(bearer(token))).error?.code).toBe(status.UNAUTHENTICATED);
    const events = eventReader(
      v2.eventStream(
        { $typeName: 'flagd.evaluation.v2.EventStreamRequest' } as never,
        metadataOf(bearer(token)),
      ),
    );
    expect((await events.closed())?.code).toBe(status.UNAUTHENTICATED);
  }
});

test('team-a: its values, FLAG_NOT_FOUND for team-b flags, PERMISSION_DENIED for a team-b selector', async () => {
  const a = bearer(TOKENS.a);
  expect((await resolveString('a-secret', a)).response).toMatchObject({ value: 'launch-a' });
  const other = await resolveString('b-secret', a);
  expect(other.error?.code).toBe(status.NOT_FOUND);
  expect(other.error?.details).not.toContain('price-b');
  const all = await resolveAll(a);
  expect(Object.keys((all.response as { flags: object }).flags).sort()).toEqual([
    'a-secret',
    'shared',
  ]);
  expect(
    (await resolveString('b-secret', { ...a, 'flagd-selector': 'flagSetId=team-b' })).error?.code,
  ).toBe(status.PERMISSION_DENIED);
  const everything = await resolveAll(bearer(TOKENS.all));
  expect(Object.keys((everything.response as { flags: object }).flags).sort()).toEqual([
    'a-secret',
    'b-secret',
    'no-set',
    'shared',
  ]);
});

test("team-a's EventStream never carries a change of team-b", async () => {
  const events = eventReader(
    v1.eventStream(
      { $typeName: 'flagd.evaluation.v1.EventStreamRequest' } as never,
      metadataOf(bearer(TOKENS.a)),
    ),
  );
  expect((await events.next()).type).toBe('provider_ready');
  // team-b changes first, then team-a: the first change this stream sees must be team-a's.
  const b = JSON.parse(FILES['b.json']);
  b.flags['b-new'] = b.flags['b-secret'];
  atomicWrite(`${d.dir}/b.json`, JSON.stringify(b));
  await d.nextGeneration();
  const a = JSON.parse(FILES['a.json']);
  a.flags['a-new'] = a.flags['a-secret'];
  atomicWrite(`${d.dir}/a.json`, JSON.stringify(a));
  const change = (await events.next()) as unknown as { type: string; data: { flags: object } };
  expect(change.type).toBe('configuration_change');
  expect(change.data.flags).toEqual({ 'a-new': { type: 'write' } });
});
