// The collector connection over TLS, as flagd's --otel-cert-path, --otel-key-path and
// --otel-ca-path make it: a loopback OTLP/gRPC receiver that requires a client certificate signed
// by a throwaway CA receives the daemon's metrics and spans; a client certificate rotated on disk
// is used after --otel-reload-interval (on the next connection); a missing TLS file fails the
// start, naming the option and the file, before anything listens.
import { mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StartupError, createLogger, startDaemon } from '@switchyard/daemon';
import { mintPki } from '../../packages/daemon/test/auth/certificates.js';
import { mintCertificates } from '../../packages/provider/test/support/tls.js';
import type { TestCertificates } from '../../packages/provider/test/support/tls.js';
import { OtlpReceiver } from '../support/otlp/receiver.js';

const dir = mkdtempSync(join(tmpdir(), 'switchyard-otel-tls-'));
const file = join(dir, 'flags.json');
writeFileSync(
  file,
  JSON.stringify({
    flags: { f: { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'on' } },
  }),
);
let certs: TestCertificates;
let receiver: OtlpReceiver | undefined;

beforeAll(() => {
  certs = mintCertificates();
  writeFileSync(join(certs.dir, 'client.key'), certs.key);
  writeFileSync(join(certs.dir, 'client.crt'), certs.cert);
});

afterAll(async () => {
  await receiver?.close();
});

test('--otel-cert-path, --otel-key-path and --otel-ca-path: metrics and spans over mutual TLS', async () => {
  receiver = await OtlpReceiver.start({
    cert: certs.cert,
    key: certs.key,
    ca: readFileSync(certs.caPath),
  });
  const daemon = await startDaemon({
    sources: [`file:${file}`],
    host: '127.0.0.1',
    syncPort: 0,
    managementPort: 0,
    logLevel: 'silent',
    telemetry: {
      metricsExporter: 'otel',
      otelCollectorUri: `localhost:${receiver.address.split(':')[1]}`,
      otelCertPath: join(certs.dir, 'client.crt'),
      otelKeyPath: join(certs.dir, 'client.key'),
      otelCaPath: certs.caPath,
      metricExportIntervalMs: 3_600_000,
    },
  });
  await daemon.ready;
  await daemon.close();
  const r = receiver;
  await r.until(
    () => r.metricNames().has('switchyard.generations.published') && r.spans().length > 0,
    'metrics and spans over TLS',
  );
  expect(r.spans().map((s) => s.name)).toContain('flagSync');
});

test('--otel-reload-interval: a client certificate rotated on disk is used after the interval', async () => {
  const pki = mintPki();
  const collector = pki.issue('collector', { cn: 'localhost', server: true });
  const rotating = await OtlpReceiver.start({
    cert: collector.cert,
    key: collector.key,
    ca: pki.ca,
  });
  const first = pki.issue('first', { cn: 'first-client' });
  const next = pki.issue('next', { cn: 'rotated-client' });
  const certPath = join(dir, 'otel.crt');
  const keyPath = join(dir, 'otel.key');
  writeFileSync(certPath, first.cert);
  writeFileSync(keyPath, first.key);
  // The daemon logs the reload (the test waits on that line, not on time).
  let reloaded!: () => void;
  const reload = new Promise<void>((resolve) => {
    reloaded = resolve;
  });
  const daemon = await startDaemon({
    sources: [`file:${file}`],
    host: '127.0.0.1',
    syncPort: 0,
    managementPort: 0,
    logger: createLogger({
      format: 'json',
      destination: new Writable({
        write(chunk, _encoding, done) {
          if (String(chunk).includes('TLS files changed')) reloaded();
          done();
        },
      }),
    }),
    telemetry: {
      metricsExporter: 'otel',
      otelCollectorUri: `localhost:${rotating.address.split(':')[1]}`,
      otelCertPath: certPath,
      otelKeyPath: keyPath,
      otelCaPath: pki.caPath,
      otelReloadIntervalMs: 200,
      metricExportIntervalMs: 500,
    },
  });
  try {
    await daemon.ready;
    await rotating.until(
      () => rotating.peers.includes('first-client'),
      'an export as first-client',
    );
    // Rotate both files, as a certificate manager does; wait for the daemon to have read them.
    writeFileSync(`${keyPath}.tmp`, next.key);
    writeFileSync(`${certPath}.tmp`, next.cert);
    renameSync(`${keyPath}.tmp`, keyPath);
    renameSync(`${certPath}.tmp`, certPath);
    await reload;
    // The open connection keeps its handshake; the next one is made with the new certificate.
    rotating.drain();
    await rotating.until(
      () => rotating.peers.includes('rotated-client'),
      'an export as rotated-client',
    );
    expect(rotating.peers[0]).toBe('first-client');
  } finally {
    await daemon.close();
    await rotating.close();
  }
});

test('a TLS file that cannot be read fails the start, naming the option and the file', async () => {
  const missing = join(dir, 'no-such-key.pem');
  const started = startDaemon({
    sources: [`file:${file}`],
    host: '127.0.0.1',
    syncPort: 0,
    managementPort: 0,
    logLevel: 'silent',
    telemetry: {
      metricsExporter: 'otel',
      otelCollectorUri: 'localhost:4317',
      otelCertPath: join(certs.dir, 'client.crt'),
      otelKeyPath: missing,
    },
  });
  await expect(started).rejects.toThrow(StartupError);
  await expect(started).rejects.toThrow(`--otel-key-path ${missing}`);
});
