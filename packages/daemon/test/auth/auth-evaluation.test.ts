// --auth-config on the evaluation port, over each of its protocols (gRPC, Connect, gRPC-Web, and
// the unary JSON fast path of flagd's curl call): every Resolve*, ResolveAll and EventStream
// refuses no or an unknown token, and a token scoped to team-a never sees team-b's flags — not as a value,
// not in ResolveAll, not as a change event.
import { Agent } from 'node:http';
import { Code, createClient } from '@connectrpc/connect';
import {
  Http2SessionManager,
  createConnectTransport,
  createGrpcWebTransport,
} from '@connectrpc/connect-node';
import { credentials } from '@grpc/grpc-js';
import {
  EvaluationV1ServiceClient,
  EvaluationV2ServiceClient,
  evaluationV2,
} from '@switchyard/protocol';
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
  const selected = await resolveAll({ ...a, 'flagd-selector': 'flagSetId=team-a' });
  expect(Object.keys((selected.response as { flags: object }).flags).sort()).toEqual([
    'a-secret',
    'shared',
  ]);
  expect((await resolveAll({ ...a, 'flagd-selector': 'flagSetId=team-b' })).error?.code).toBe(
    status.PERMISSION_DENIED,
  );
  const denied = eventReader(
    v2.eventStream(
      { $typeName: 'flagd.evaluation.v2.EventStreamRequest' } as never,
      metadataOf({ ...a, 'flagd-selector': 'flagSetId=team-b' }),
    ),
  );
  expect((await denied.closed())?.code).toBe(status.PERMISSION_DENIED);
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

describe('Connect and gRPC-Web on the same port: the same decisions', () => {
  const agents: Agent[] = [];
  const managers: Http2SessionManager[] = [];
  afterAll(() => {
    for (const agent of agents) agent.destroy();
    for (const manager of managers) manager.abort();
  });
  const clients = () => {
    const baseUrl = `http://127.0.0.1:${d.daemon.ports.evaluation}`;
    const agent = new Agent({ keepAlive: true });
    agents.push(agent);
    const manager = new Http2SessionManager(baseUrl);
    managers.push(manager);
    const h1 = { httpVersion: '1.1' as const, nodeOptions: { agent } };
    const h2 = { httpVersion: '2' as const, sessionManager: manager };
    return {
      'Connect JSON, HTTP/1.1': createClient(
        evaluationV2.Service,
        createConnectTransport({ baseUrl, ...h1 }),
      ),
      'Connect binary, HTTP/2': createClient(
        evaluationV2.Service,
        createConnectTransport({ baseUrl, ...h2, useBinaryFormat: true }),
      ),
      'gRPC-Web, HTTP/1.1': createClient(
        evaluationV2.Service,
        createGrpcWebTransport({ baseUrl, ...h1, useBinaryFormat: true }),
      ),
    };
  };

  test('no or an unknown token: Unauthenticated; team-a: its flags only; a team-b selector: PermissionDenied', async () => {
    for (const [name, client] of Object.entries(clients())) {
      for (const token of [undefined, TOKENS.unknown]) {
        await expect(
          client.resolveString({ flagKey: 'a-secret' }, { headers: bearer(token) }),
        ).rejects.toMatchObject({ code: Code.Unauthenticated });
      }
      const a = { headers: bearer(TOKENS.a) };
      expect({
        name,
        value: (await client.resolveString({ flagKey: 'a-secret' }, a)).value,
      }).toEqual({ name, value: 'launch-a' });
      await expect(client.resolveString({ flagKey: 'b-secret' }, a)).rejects.toMatchObject({
        code: Code.NotFound,
      });
      await expect(
        client.resolveString(
          { flagKey: 'b-secret' },
          { headers: { ...bearer(TOKENS.a), 'flagd-selector': 'flagSetId=team-b' } },
        ),
      ).rejects.toMatchObject({ code: Code.PermissionDenied });
    }
  });

  test("flagd's curl call (the unary JSON fast path) answers 401 without a token", async () => {
    const url = `http://127.0.0.1:${d.daemon.ports.evaluation}/flagd.evaluation.v2.Service/ResolveString`;
    const body = JSON.stringify({ flagKey: 'a-secret', context: {} });
    const refused = await fetch(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json' },
    });
    expect(refused.status).toBe(401);
    expect(await refused.text()).not.toContain('launch-a');
    const allowed = await fetch(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', ...bearer(TOKENS.a) },
    });
    expect(await allowed.json()).toMatchObject({ value: 'launch-a' });
  });

  test('EventStream over Connect: refused without a token; with team-a, provider_ready', async () => {
    const client = clients()['Connect binary, HTTP/2'];
    const refused = client.eventStream({}, { headers: {} })[Symbol.asyncIterator]();
    await expect(refused.next()).rejects.toMatchObject({ code: Code.Unauthenticated });
    const stream = client.eventStream({}, { headers: bearer(TOKENS.a) })[Symbol.asyncIterator]();
    expect((await stream.next()).value?.type).toBe('provider_ready');
    await stream.return?.();
  });
});
