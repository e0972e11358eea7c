// TLS on every port (--tls-ports all), client certificates verified against --client-ca-path
// (mTLS) and matched to --auth-config clients by subject, certificates reloaded when their files
// change, and --tls-ports' default (flagd's: evaluation and sync only). Certificates are minted
// with openssl; clients are grpc-js and node:https.
import { copyFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { connect } from 'node:tls';
import { Code, createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { credentials } from '@grpc/grpc-js';
import {
  EvaluationV1ServiceClient,
  FlagSyncServiceClient,
  evaluationV2,
} from '@switchyard/protocol';
import { call } from '../remote/helpers.js';
import { mintPki } from './certificates.js';
import type { Pki } from './certificates.js';
import { TOKENS, bearer, clients, fetchAll, startAuthDaemon, status } from './support.js';
import type { AuthDaemon } from './support.js';

interface Identity {
  readonly cert: Buffer;
  readonly key: Buffer;
}

function https(
  port: number,
  path: string,
  init: { ca: Buffer; identity?: Identity; headers?: Record<string, string>; method?: string },
): Promise<{ status: number; text: string } | { error: string }> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        servername: 'localhost',
        port,
        path,
        method: init.method ?? 'GET',
        ca: init.ca,
        ...(init.identity ?? {}),
        headers: init.headers ?? {},
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }),
        );
      },
    );
    req.on('error', (error) => resolve({ error: error.message }));
    req.end(init.method === 'POST' ? '{}' : undefined);
  });
}

/** The serial number of the certificate a TLS port presents now. */
function servedSerial(port: number, ca: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca }, () => {
      resolve(socket.getPeerCertificate().serialNumber);
      socket.end();
    });
    socket.on('error', reject);
  });
}

let pki: Pki;
let server: ReturnType<Pki['issue']>;
let edge: Identity;
let rogue: Identity;
beforeAll(() => {
  pki = mintPki();
  server = pki.issue('server', { cn: 'localhost', server: true });
  edge = pki.issue('edge', { cn: 'edge-1' });
  rogue = pki.issue('rogue', { cn: 'edge-1', untrusted: true });
});
afterAll(() => rmSync(pki.dir, { recursive: true, force: true }));

describe('mTLS on every port with --auth-config', () => {
  let d: AuthDaemon;
  beforeAll(async () => {
    d = await startAuthDaemon(
      {
        serverCertPath: server.certPath,
        serverKeyPath: server.keyPath,
        clientCaPath: pki.caPath,
        tlsPorts: ['evaluation', 'sync', 'ofrep', 'management'],
      },
      clients([
        { id: 'edge', subject: 'CN=edge-1, O=switchyard-test', selectors: ['flagSetId=team-b'] },
      ]),
    );
  });
  afterAll(() => d.close());

  const syncClient = (identity?: Identity) =>
    new FlagSyncServiceClient(
      `localhost:${d.daemon.ports.sync}`,
      credentials.createSsl(pki.ca, identity?.key ?? null, identity?.cert ?? null),
    );

  test('sync: a client certificate of the CA is a credential; its subject picks the client', async () => {
    const client = syncClient(edge);
    try {
      expect((await fetchAll(client, {})).keys).toEqual(['b-secret']);
      // A token with the certificate: the token decides.
      expect((await fetchAll(client, bearer(TOKENS.a))).keys).toEqual(['a-secret', 'shared']);
    } finally {
      client.close();
    }
  });

  test('sync: without a client certificate, or with one of another CA, no handshake', async () => {
    for (const identity of [undefined, rogue]) {
      const client = syncClient(identity);
      try {
        const result = await fetchAll(client, bearer(TOKENS.all));
        expect(result.error?.code).toBe(status.UNAVAILABLE);
      } finally {
        client.close();
      }
    }
  });

  test('OFREP over TLS: the edge certificate reads team-b; no certificate, no handshake', async () => {
    const port = d.daemon.ports.ofrep!;
    const ok = await https(port, '/ofrep/v1/evaluate/flags', {
      ca: pki.ca,
      identity: edge,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    expect(ok).toMatchObject({ status: 200 });
    expect('text' in ok && JSON.parse(ok.text).flags.map((f: { key: string }) => f.key)).toEqual([
      'b-secret',
    ]);
    const without = await https(port, '/ofrep/v1/evaluate/flags', {
      ca: pki.ca,
      method: 'POST',
      headers: bearer(TOKENS.all),
    });
    expect(without).toHaveProperty('error');
    const rogueAnswer = await https(port, '/ofrep/v1/evaluate/flags', {
      ca: pki.ca,
      identity: rogue,
      method: 'POST',
    });
    expect(rogueAnswer).toHaveProperty('error');
  });

  test('evaluation over TLS: gRPC and Connect with the edge certificate read team-b; no certificate, no handshake', async () => {
    const port = d.daemon.ports.evaluation!;
    const grpcClient = (identity?: Identity) =>
      new EvaluationV1ServiceClient(
        `localhost:${port}`,
        credentials.createSsl(pki.ca, identity?.key ?? null, identity?.cert ?? null),
      );
    const withCert = grpcClient(edge);
    const without = grpcClient();
    try {
      const all = await call(withCert, withCert.resolveAll, { context: {} } as never);
      expect(Object.keys((all.response as { flags: object }).flags)).toEqual(['b-secret']);
      const refused = await call(
        without,
        without.resolveAll,
        { context: {} } as never,
        bearer(TOKENS.all),
      );
      expect(refused.error?.code).toBe(status.UNAVAILABLE);
    } finally {
      withCert.close();
      without.close();
    }
    const connect = createClient(
      evaluationV2.Service,
      createConnectTransport({
        baseUrl: `https://localhost:${port}`,
        httpVersion: '1.1',
        nodeOptions: { ca: pki.ca, cert: edge.cert, key: edge.key, agent: false },
      }),
    );
    expect((await connect.resolveString({ flagKey: 'b-secret' })).value).toBe('price-b');
    await expect(connect.resolveString({ flagKey: 'a-secret' })).rejects.toMatchObject({
      code: Code.NotFound,
    });
  });

  test('management over TLS: probes without a certificate, flag data only with a credential', async () => {
    const port = d.daemon.ports.management;
    expect(await https(port, '/readyz', { ca: pki.ca })).toMatchObject({ status: 200 });
    expect(await https(port, '/flags', { ca: pki.ca })).toMatchObject({ status: 401 });
    // An untrusted certificate is no credential (the handshake finishes: probes must work).
    expect(await https(port, '/flags', { ca: pki.ca, identity: rogue })).toMatchObject({
      status: 401,
    });
    const flags = await https(port, '/flags', { ca: pki.ca, identity: edge });
    expect('text' in flags && Object.keys(JSON.parse(flags.text).flags)).toEqual(['b-secret']);
    expect(await https(port, '/flags', { ca: pki.ca, headers: bearer(TOKENS.a) })).toMatchObject({
      status: 200,
    });
  });
});

test('certificates are reloaded when their files change; a broken pair keeps the last good one', async () => {
  const live = { certPath: `${pki.dir}/live.crt`, keyPath: `${pki.dir}/live.key` };
  copyFileSync(server.certPath, live.certPath);
  copyFileSync(server.keyPath, live.keyPath);
  const d = await startAuthDaemon({
    serverCertPath: live.certPath,
    serverKeyPath: live.keyPath,
    tlsPorts: ['evaluation', 'sync', 'ofrep', 'management'],
  });
  try {
    const port = d.daemon.ports.ofrep!;
    const before = await servedSerial(port, pki.ca);
    const renewed = pki.issue('renewed', { cn: 'localhost', server: true });
    // Half a renewal: a new certificate with the old key does not match, and is not used.
    copyFileSync(renewed.certPath, live.certPath);
    await d.waitForLog((l) => String(l.msg).includes('the last good certificate stays'));
    expect(await servedSerial(port, pki.ca)).toBe(before);
    copyFileSync(renewed.keyPath, live.keyPath);
    await d.waitForLog((l) => String(l.msg).includes('TLS certificate reloaded'));
    for (const p of [port, d.daemon.ports.management]) {
      expect(await servedSerial(p, pki.ca)).not.toBe(before);
    }
    const sync = new FlagSyncServiceClient(
      `localhost:${d.daemon.ports.sync}`,
      credentials.createSsl(pki.ca),
    );
    try {
      expect((await fetchAll(sync, bearer(TOKENS.a))).keys).toEqual(['a-secret', 'shared']);
    } finally {
      sync.close();
    }
    const metrics = await https(d.daemon.ports.management, '/metrics', {
      ca: pki.ca,
      headers: bearer(TOKENS.all),
    });
    expect('text' in metrics && metrics.text).toMatch(
      /switchyard_tls_reloads_total\{result="applied"\} 1/,
    );
    expect('text' in metrics && metrics.text).toMatch(
      /switchyard_tls_reloads_total\{result="rejected"\} [1-9]/,
    );
  } finally {
    await d.close();
  }
});

test('--tls-ports defaults to flagd’s: -c/-k secure sync (and evaluation); OFREP and management stay plaintext', async () => {
  const d = await startAuthDaemon({
    serverCertPath: server.certPath,
    serverKeyPath: server.keyPath,
  });
  try {
    expect((await d.ofrep('/ofrep/v1/evaluate/flags', TOKENS.a)).status).toBe(200);
    expect((await d.management('/readyz')).status).toBe(200);
    const sync = new FlagSyncServiceClient(
      `localhost:${d.daemon.ports.sync}`,
      credentials.createSsl(pki.ca),
    );
    try {
      expect((await fetchAll(sync, bearer(TOKENS.a))).keys).toEqual(['a-secret', 'shared']);
    } finally {
      sync.close();
    }
  } finally {
    await d.close();
  }
});

test('--client-ca-path without --auth-config: a verified certificate is the credential on management', async () => {
  const d = await startAuthDaemon(
    {
      serverCertPath: server.certPath,
      serverKeyPath: server.keyPath,
      clientCaPath: pki.caPath,
      tlsPorts: ['sync', 'management'],
    },
    null,
  );
  try {
    const port = d.daemon.ports.management;
    expect(await https(port, '/readyz', { ca: pki.ca })).toMatchObject({ status: 200 });
    expect(await https(port, '/flags', { ca: pki.ca })).toMatchObject({ status: 401 });
    expect(await https(port, '/flags', { ca: pki.ca, identity: rogue })).toMatchObject({
      status: 401,
    });
    expect(await https(port, '/flags', { ca: pki.ca, identity: edge })).toMatchObject({
      status: 200,
    });
  } finally {
    await d.close();
  }
});
