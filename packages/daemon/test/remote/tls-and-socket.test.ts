// The evaluation port's protocols over TLS (-c/-k: ALPN picks HTTP/1.1 or HTTP/2) and over
// --socket-path: flagd's curl call (Connect JSON on HTTP/1.1), Connect and gRPC-Web on HTTP/2,
// and gRPC, each against a real daemon.
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { RequestOptions } from 'node:https';
import { join } from 'node:path';
import { createClient } from '@connectrpc/connect';
import {
  Http2SessionManager,
  createConnectTransport,
  createGrpcWebTransport,
} from '@connectrpc/connect-node';
import { credentials } from '@grpc/grpc-js';
import { EvaluationV2ServiceClient, evaluationV2 } from '@switchyard/protocol';
import { selfSignedCertificate, tempDir } from '../helpers/harness.js';
import { call, startRemoteDaemon } from './helpers.js';
import type { RemoteDaemon } from './helpers.js';

const PATH = '/flagd.evaluation.v2.Service/ResolveString';
const BODY = JSON.stringify({ flagKey: 'string-flag', context: {} });

/** One Connect JSON POST over HTTP/1.1 (node:http or node:https); status and parsed body. */
function post(
  send: (options: RequestOptions, answer: (res: IncomingMessage) => void) => ClientRequest,
  options: RequestOptions,
): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const headers = { 'content-type': 'application/json', connection: 'close' };
    const req = send({ ...options, method: 'POST', path: PATH, headers }, (res) => {
      let text = '';
      res.on('data', (chunk) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(BODY);
  });
}

const hi = { value: 'hi', reason: 'STATIC', variant: 'hi' };

describe('TLS with --server-cert-path/--server-key-path', () => {
  const { cert, key } = selfSignedCertificate();
  const ca = readFileSync(cert);
  let d: RemoteDaemon;
  const sessions: Http2SessionManager[] = [];
  beforeAll(async () => {
    d = await startRemoteDaemon({ serverCertPath: cert, serverKeyPath: key });
  });
  afterAll(async () => {
    for (const session of sessions) session.abort();
    await d.close();
  });

  test('Connect JSON over HTTP/1.1 (ALPN http/1.1)', async () => {
    const port = d.daemon.ports.evaluation!;
    const answer = await post(httpsRequest, { host: 'localhost', port, ca });
    expect(answer).toEqual({ status: 200, body: { ...hi, metadata: {} } });
  });

  test('Connect and gRPC-Web over HTTP/2 (ALPN h2), and gRPC', async () => {
    const baseUrl = `https://localhost:${d.daemon.ports.evaluation}`;
    const h2 = () => {
      const manager = new Http2SessionManager(baseUrl, undefined, { ca });
      sessions.push(manager);
      return { baseUrl, httpVersion: '2' as const, sessionManager: manager };
    };
    const connect = createClient(evaluationV2.Service, createConnectTransport(h2()));
    const grpcWeb = createClient(evaluationV2.Service, createGrpcWebTransport(h2()));
    for (const client of [connect, grpcWeb]) {
      expect(await client.resolveString({ flagKey: 'string-flag' })).toMatchObject(hi);
    }
    const grpc = new EvaluationV2ServiceClient(
      `localhost:${d.daemon.ports.evaluation}`,
      credentials.createSsl(ca),
    );
    try {
      const r = await call(grpc, grpc.resolveString, { flagKey: 'string-flag' } as never);
      expect(r.response).toMatchObject(hi);
    } finally {
      grpc.close();
    }
  });
});

test('--socket-path: Connect JSON over HTTP/1.1 on the unix socket', async () => {
  const socketPath = join(tempDir('sy-sock-'), 'eval.sock');
  const d = await startRemoteDaemon({ evaluationTcp: false, socketPath });
  try {
    expect(await post(httpRequest, { socketPath })).toEqual({
      status: 200,
      body: { ...hi, metadata: {} },
    });
  } finally {
    await d.close();
  }
});
