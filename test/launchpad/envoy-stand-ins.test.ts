// The launchpad's envoy stand-ins and helpers (the 403 responder, the authority proxy, TLS),
// tested against real grpc-js peers on loopback — no daemon needed.
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { testbedPath } from '../support/testbed.js';
import { routeFor, startAuthorityProxy } from './authority-proxy.js';
import { startForbiddenResponder } from './forbidden.js';
import { StubClient, startStub } from './grpc-stub.js';
import { freePort } from './ports.js';
import { mintServerCertificate } from './tls.js';

describe('403 responder (envoy 9212)', () => {
  test('grpc-js maps its HTTP 403 to PERMISSION_DENIED', async () => {
    const responder = await startForbiddenResponder();
    const client = new StubClient(`127.0.0.1:${responder.port}`);
    try {
      await expect(client.who()).rejects.toMatchObject({ code: status.PERMISSION_DENIED });
    } finally {
      client.close();
      await responder.close();
    }
  });
});

describe('closed port (unavailable)', () => {
  test('a call fails with UNAVAILABLE', async () => {
    const client = new StubClient(`127.0.0.1:${await freePort()}`);
    try {
      await expect(client.who()).rejects.toMatchObject({ code: status.UNAVAILABLE });
    } finally {
      client.close();
    }
  });
});

describe('authority-routing proxy (envoy 9211)', () => {
  test('routes the three sync authorities to the sync port, others to evaluation', () => {
    const routes = { sync: 1, evaluation: 2 };
    for (const a of [
      'sync.service',
      'flagd-sync.service',
      'sync.flagd.local',
      'SYNC.service:443',
    ]) {
      expect(routeFor(a, routes)).toBe(1);
    }
    for (const a of ['rpc.service', 'localhost:9211', '']) expect(routeFor(a, routes)).toBe(2);
  });

  test('forwards unary and streaming calls by :authority, and a killed upstream breaks the stream', async () => {
    const sync = await startStub('sync');
    const evaluation = await startStub('evaluation');
    const proxy = await startAuthorityProxy({ sync: sync.port, evaluation: evaluation.port });
    const target = `127.0.0.1:${proxy.port}`;
    const toSync = new StubClient(target, 'sync.service');
    const toEval = new StubClient(target, 'rpc.service');
    try {
      await expect(toSync.who()).resolves.toBe('sync');
      await expect(toEval.who()).resolves.toBe('evaluation');
      expect(proxy.seen).toEqual(expect.arrayContaining(['sync.service', 'rpc.service']));

      const watch = toSync.watch();
      await expect(watch.first).resolves.toBe('sync');
      sync.close(); // like SIGKILL: the upstream connection drops under an open stream
      await expect(watch.ended).resolves.toMatchObject({ code: status.UNAVAILABLE });
      // Upstream gone: new calls fail as envoy's "upstream connect error" does.
      await expect(toSync.who()).rejects.toMatchObject({ code: status.UNAVAILABLE });
    } finally {
      toSync.close();
      toEval.close();
      evaluation.close();
      await proxy.close();
    }
  });
});

describe('server certificate minted from the testbed CA', () => {
  test('is for localhost (SAN) and verifies against custom-root-cert.crt', () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-tls-'));
    try {
      const minted = mintServerCertificate(testbedPath('ssl'), dir);
      const cert = new X509Certificate(readFileSync(minted.certPath));
      const ca = new X509Certificate(readFileSync(minted.caPath));
      expect(cert.subjectAltName).toContain('DNS:localhost');
      expect(cert.checkIssued(ca)).toBe(true);
      expect(cert.verify(ca.publicKey)).toBe(true);
      expect(cert.checkHost('localhost')).toBe('localhost');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
