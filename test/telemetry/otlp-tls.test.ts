// The collector connection over TLS, as flagd's --otel-cert-path, --otel-key-path and
// --otel-ca-path make it: a loopback OTLP/gRPC receiver that requires a client certificate signed
// by a throwaway CA receives the daemon's metrics and spans; a missing TLS file fails the start,
// naming the option and the file, before anything listens.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StartupError, startDaemon } from '@switchyard/daemon';
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
