// Sync transport options: keepalive (flagd #1998: clients ping every 30 s, also without
// streams, and must never get GOAWAY ENHANCE_YOUR_CALM), TLS, unix sockets, management routes.
import { readFileSync } from 'node:fs';
import { connect } from 'node:http2';
import { join } from 'node:path';
import { credentials } from '@grpc/grpc-js';
import { FlagSyncServiceClient } from '@switchyard/protocol';
import { SYNC_SERVER_OPTIONS } from '../src/sync/sync-server.js';
import {
  flagKeys,
  flagsDoc,
  selfSignedCertificate,
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

const request = {
  $typeName: 'flagd.sync.v1.SyncFlagsRequest' as const,
  providerId: '',
  selector: '',
};

test('keepalive policy: client pings permitted every 30 s, also without calls', () => {
  expect(SYNC_SERVER_OPTIONS).toMatchObject({
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.http2.min_ping_interval_without_data_ms': 30_000,
  });
});

test('a client pinging with no stream open (far faster than every 30 s) is never sent GOAWAY', async () => {
  t = await startTestDaemon({ files: { 'f.json': flagsDoc({ a: 'on' }) } });
  const session = connect(`http://127.0.0.1:${t.daemon.ports.sync}`);
  let goaway: number | undefined;
  session.on('goaway', (code) => {
    goaway = code;
  });
  await new Promise<void>((resolve) => session.once('connect', () => resolve()));
  for (let i = 0; i < 20; i++) {
    await new Promise<void>((resolve, reject) =>
      session.ping((error) => (error ? reject(error) : resolve())),
    );
  }
  expect(goaway).toBeUndefined();
  expect(session.closed || session.destroyed).toBe(false);
  session.close();
  // A grpc-js client with aggressive keepalive keeps working too.
  const client = new FlagSyncServiceClient(
    `127.0.0.1:${t.daemon.ports.sync}`,
    credentials.createInsecure(),
    {
      'grpc.keepalive_time_ms': 10,
      'grpc.keepalive_permit_without_calls': 1,
    },
  );
  const stream = streamReader(client.syncFlags(request));
  expect(flagKeys(await stream.next())).toEqual(['a']);
  client.close();
});

test('TLS with --server-cert-path/--server-key-path', async () => {
  const { cert, key } = selfSignedCertificate();
  t = await startTestDaemon({
    files: { 'f.json': flagsDoc({ tls: 'on' }) },
    serverCertPath: cert,
    serverKeyPath: key,
  });
  const client = new FlagSyncServiceClient(
    `localhost:${t.daemon.ports.sync}`,
    credentials.createSsl(readFileSync(cert)),
  );
  const stream = streamReader(client.syncFlags(request));
  expect(flagKeys(await stream.next())).toEqual(['tls']);
  client.close();
});

test('--sync-socket-path serves on a unix socket', async () => {
  const socket = join(tempDir(), 'sync.sock');
  t = await startTestDaemon({
    files: { 'f.json': flagsDoc({ unix: 'on' }) },
    syncSocketPath: socket,
  });
  expect(t.daemon.ports.sync).toBeUndefined();
  const client = new FlagSyncServiceClient(`unix://${socket}`, credentials.createInsecure());
  const stream = streamReader(client.syncFlags(request));
  expect(flagKeys(await stream.next())).toEqual(['unix']);
  client.close();
});

test('management: /healthz 200, /metrics in Prometheus text, unknown paths 404', async () => {
  t = await startTestDaemon({ files: { 'f.json': flagsDoc({ a: 'on', b: 'off' }) } });
  const base = `http://127.0.0.1:${t.daemon.ports.management}`;
  expect((await fetch(`${base}/healthz`)).status).toBe(200);
  expect((await fetch(`${base}/nope`)).status).toBe(404);
  const metrics = await t.metrics();
  expect(metrics).toMatch(/switchyard_generations_published_total 1/);
  expect(metrics).toMatch(/switchyard_flags_loaded 2/);
  expect(metrics).toMatch(/switchyard_sync_active_streams 0/);
  expect(metrics).toMatch(/switchyard_source_ready\{source="[^"]+"\} 1/);
  expect(metrics).toMatch(/process_resident_memory_bytes/);
});
