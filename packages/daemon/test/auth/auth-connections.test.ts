// A token that authenticated on a connection is recognised on that connection's next calls
// (auth/access-policy.ts) — on gRPC through the HTTP/2 session behind grpc-js
// (remote/grpc-connections.ts) — and a reload that revokes it is in force for the very next call
// on the same connection, with real clients on kept connections: grpc-js, Connect and gRPC-Web
// (HTTP/1.1 keep-alive and one HTTP/2 session), flagd's curl call, OFREP, FetchAllFlags.
import { Agent } from 'node:http';
import { Code, createClient } from '@connectrpc/connect';
import {
  Http2SessionManager,
  createConnectTransport,
  createGrpcWebTransport,
} from '@connectrpc/connect-node';
import { credentials } from '@grpc/grpc-js';
import { EvaluationV2ServiceClient, evaluationV2 } from '@switchyard/protocol';
import type { CallInterceptor } from '../../src/remote/call.js';
import { call, httpCall } from '../remote/helpers.js';
import { TOKENS, bearer, clients, fetchAll, startAuthDaemon, status } from './support.js';

/** The connection every gRPC call of the evaluation port was given, in call order. */
function recordConnections(): { interceptor: CallInterceptor; seen: (object | undefined)[] } {
  const seen: (object | undefined)[] = [];
  const interceptor: CallInterceptor = (info, next) => {
    if (info.protocol === 'grpc') seen.push(info.connection);
    return next();
  };
  return { interceptor, seen };
}

/** A client on a connection of its own (grpc-js shares connections between clients by default). */
const newClient = (port: number) =>
  new EvaluationV2ServiceClient(`127.0.0.1:${port}`, credentials.createInsecure(), {
    'grpc.use_local_subchannel_pool': 1,
  });

test('gRPC: calls on one connection share it, another client has its own; a revoked token is refused on the same connection after the reload', async () => {
  const { interceptor, seen } = recordConnections();
  const t = await startAuthDaemon({ interceptors: [interceptor] });
  const first = newClient(t.daemon.ports.evaluation!);
  const second = newClient(t.daemon.ports.evaluation!);
  const resolve = (client: typeof first) =>
    call(
      client,
      client.resolveString,
      { flagKey: 'a-secret', context: {} } as never,
      bearer(TOKENS.a),
    );
  try {
    expect((await resolve(first)).response).toMatchObject({ value: 'launch-a' });
    expect((await resolve(first)).response).toMatchObject({ value: 'launch-a' });
    expect((await resolve(second)).response).toMatchObject({ value: 'launch-a' });
    expect(seen).toHaveLength(3);
    expect(seen[0]).toBeDefined();
    expect(seen[1]).toBe(seen[0]);
    expect(seen[2]).toBeDefined();
    expect(seen[2]).not.toBe(seen[0]);

    t.writeAuth({ clients: clients().clients.filter((c) => c.id !== 'team-a') });
    await t.waitForLog((l) => String(l.msg).startsWith('reloaded auth config'));
    const refused = await resolve(first);
    expect(refused.error?.code).toBe(status.UNAUTHENTICATED);
    expect(seen[3]).toBe(seen[0]);
    // The connection still serves a token the new configuration knows.
    const other = await call(
      first,
      first.resolveString,
      { flagKey: 'a-secret', context: {} } as never,
      bearer(TOKENS.all),
    );
    expect(other.response).toMatchObject({ value: 'launch-a' });
    // Another token on a recognised connection is decided on its own (a proxy's callers).
    const unknown = await call(
      second,
      second.resolveString,
      { flagKey: 'a-secret', context: {} } as never,
      bearer(TOKENS.unknown),
    );
    expect(unknown.error?.code).toBe(status.UNAUTHENTICATED);
  } finally {
    first.close();
    second.close();
    await t.close();
  }
});

test('OFREP over one keep-alive connection: recognised, then refused after the revoking reload', async () => {
  const t = await startAuthDaemon();
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const sockets = new Set<object>();
  agent.on('free', (socket) => sockets.add(socket));
  const single = () =>
    httpCall(t.daemon.ports.ofrep!, '/ofrep/v1/evaluate/flags/a-secret', {
      headers: { 'content-type': 'application/json', ...bearer(TOKENS.a) },
      body: '{}',
      agent,
    });
  try {
    expect((await single()).status).toBe(200);
    expect((await single()).status).toBe(200);
    t.writeAuth({ clients: clients().clients.filter((c) => c.id !== 'team-a') });
    await t.waitForLog((l) => String(l.msg).startsWith('reloaded auth config'));
    expect((await single()).status).toBe(401);
    // One connection carried all three requests.
    expect(sockets.size).toBe(1);
  } finally {
    agent.destroy();
    await t.close();
  }
});

test('Connect, gRPC-Web and the unary JSON fast path over kept connections, FetchAllFlags and OFREP bulk: refused after the revoking reload', async () => {
  const t = await startAuthDaemon();
  const baseUrl = `http://127.0.0.1:${t.daemon.ports.evaluation}`;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const manager = new Http2SessionManager(baseUrl);
  const h1 = { httpVersion: '1.1' as const, nodeOptions: { agent } };
  const evaluation = {
    'Connect JSON, HTTP/1.1': createClient(
      evaluationV2.Service,
      createConnectTransport({ baseUrl, ...h1 }),
    ),
    'Connect binary, HTTP/2': createClient(
      evaluationV2.Service,
      createConnectTransport({
        baseUrl,
        httpVersion: '2',
        sessionManager: manager,
        useBinaryFormat: true,
      }),
    ),
    'gRPC-Web, HTTP/1.1': createClient(
      evaluationV2.Service,
      createGrpcWebTransport({ baseUrl, ...h1, useBinaryFormat: true }),
    ),
  };
  const a = { headers: bearer(TOKENS.a) };
  // flagd's curl call: the unary JSON fast path, over the same keep-alive agent.
  const curl = () =>
    httpCall(t.daemon.ports.evaluation!, '/flagd.evaluation.v2.Service/ResolveString', {
      headers: { 'content-type': 'application/json', ...bearer(TOKENS.a) },
      body: JSON.stringify({ flagKey: 'a-secret', context: {} }),
      agent,
    });
  const sync = t.sync();
  try {
    for (const [name, client] of Object.entries(evaluation)) {
      for (let i = 0; i < 2; i++) {
        const value = (await client.resolveString({ flagKey: 'a-secret' }, a)).value;
        expect({ name, value }).toEqual({ name, value: 'launch-a' });
      }
    }
    expect((await curl()).json).toMatchObject({ value: 'launch-a' });
    expect((await fetchAll(sync, bearer(TOKENS.a))).keys).toEqual(['a-secret', 'shared']);
    expect((await t.ofrep('/ofrep/v1/evaluate/flags', TOKENS.a)).status).toBe(200);

    t.writeAuth({ clients: clients().clients.filter((c) => c.id !== 'team-a') });
    await t.waitForLog((l) => String(l.msg).startsWith('reloaded auth config'));
    for (const [name, client] of Object.entries(evaluation)) {
      const refused = await client.resolveString({ flagKey: 'a-secret' }, a).then(
        () => undefined,
        (error: { code: Code }) => error.code,
      );
      expect({ name, refused }).toEqual({ name, refused: Code.Unauthenticated });
    }
    expect((await curl()).status).toBe(401);
    expect((await fetchAll(sync, bearer(TOKENS.a))).error?.code).toBe(status.UNAUTHENTICATED);
    expect((await t.ofrep('/ofrep/v1/evaluate/flags', TOKENS.a)).status).toBe(401);
  } finally {
    agent.destroy();
    manager.abort();
    await t.close();
  }
});
