// OTLP over HTTP with protobuf bodies, as flagd's exporters speak it when
// OTEL_EXPORTER_OTLP_PROTOCOL (or the per-signal variable) says `http/protobuf`: a real loopback
// HTTP receiver (test/support/otlp) decodes the daemon's metric and trace posts on /v1/metrics
// and /v1/traces. A protocol flagd does not speak fails the start, naming the variable.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StartupError, startDaemon } from '@switchyard/daemon';
import { mintPki } from '../../packages/daemon/test/auth/certificates.js';
import { OtlpReceiver } from '../support/otlp/receiver.js';

const dir = mkdtempSync(join(tmpdir(), 'switchyard-otlp-http-'));
const file = join(dir, 'flags.json');
writeFileSync(
  file,
  JSON.stringify({
    flags: { f: { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'on' } },
  }),
);
const saved = { ...process.env };
const DEV = join(__dirname, '../../packages/daemon/test/helpers/switchyard-dev.cjs');

afterEach(() => {
  for (const name of Object.keys(process.env)) {
    if (name.startsWith('OTEL_') && !(name in saved)) delete process.env[name];
  }
});

/**
 * `switchyard start` in a child process (the exporters load node:http with a dynamic import,
 * which jest's module sandbox does not run), with `env` over the test's environment; resolves
 * once it listens, with its ports, and a stop that ends it (SIGTERM: the last export is sent).
 */
async function switchyard(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [DEV, 'start', '--log-format', 'json', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  let out = '';
  const ports = await new Promise<{ ofrep: number }>((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const line = out.split('\n').find((l) => l.includes('"ofrep":'));
      if (line) resolve(JSON.parse(line) as { ofrep: number });
    });
    void exited.then((code) => reject(new Error(`switchyard exited (${code}): ${out}`)));
  });
  return {
    ports,
    stop: async () => {
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      return out;
    },
  };
}

const PORTS = ['-g', '0', '-m', '0', '-p', '0', '-r', '0'];

test('OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf: metrics and spans are posted as protobuf', async () => {
  const receiver = await OtlpReceiver.startHttp();
  const daemon = await switchyard(
    [
      '--uri',
      `file:${file}`,
      ...PORTS,
      '--metrics-exporter',
      'otel',
      '--otel-collector-uri',
      receiver.address,
    ],
    { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' },
  );
  const answer = await fetch(`http://127.0.0.1:${daemon.ports.ofrep}/ofrep/v1/evaluate/flags/f`, {
    method: 'POST',
    body: '{"context":{}}',
  });
  expect(answer.status).toBe(200);
  await answer.arrayBuffer();
  const log = await daemon.stop();
  expect(log).toContain('metrics to OTLP/HTTP (protobuf)');
  await receiver.until(
    () => receiver.metricRequests.length > 0 && receiver.traceRequests.length > 0,
    'a metrics and a trace post',
  );
  await receiver.close();
  expect(new Set(receiver.paths)).toEqual(new Set(['/v1/metrics', '/v1/traces']));
  for (const name of [
    'feature_flag.flagd.impression',
    'http.server.request.duration',
    'switchyard.generations.published',
  ]) {
    expect(receiver.metricNames()).toContain(name);
  }
  expect(receiver.spans()).toContainEqual(
    expect.objectContaining({ scope: 'flagd.ofrep.v1', name: 'flagd.ofrep', kind: 2 }),
  );
});

test('the per-signal variable wins: OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=http/protobuf', async () => {
  const receiver = await OtlpReceiver.startHttp();
  const daemon = await switchyard(
    ['--uri', `file:${file}`, ...PORTS, '--otel-collector-uri', receiver.address],
    { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf' },
  );
  await daemon.stop();
  await receiver.until(() => receiver.traceRequests.length > 0, 'a trace post');
  await receiver.close();
  expect(receiver.spans().map((s) => s.name)).toContain('flagSync');
});

test('http/protobuf over mutual TLS: --otel-cert-path, --otel-key-path, --otel-ca-path', async () => {
  const pki = mintPki();
  const collector = pki.issue('collector', { cn: 'localhost', server: true });
  const client = pki.issue('client', { cn: 'otlp-http-client' });
  const receiver = await OtlpReceiver.startHttp({
    cert: collector.cert,
    key: collector.key,
    ca: pki.ca,
  });
  const daemon = await switchyard(
    [
      '--uri',
      `file:${file}`,
      ...PORTS,
      '--otel-collector-uri',
      `localhost:${receiver.address.split(':')[1]}`,
      '--otel-cert-path',
      client.certPath,
      '--otel-key-path',
      client.keyPath,
      '--otel-ca-path',
      pki.caPath,
    ],
    { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' },
  );
  await daemon.stop();
  await receiver.until(() => receiver.traceRequests.length > 0, 'a trace post over TLS');
  await receiver.close();
  expect(receiver.peers).toContain('otlp-http-client');
});

test('a protocol flagd does not speak fails the start, naming the variable', async () => {
  process.env.OTEL_EXPORTER_OTLP_METRICS_PROTOCOL = 'http/json';
  const started = startDaemon({
    sources: [`file:${file}`],
    host: '127.0.0.1',
    syncPort: 0,
    managementPort: 0,
    logLevel: 'silent',
    telemetry: { metricsExporter: 'otel', otelCollectorUri: '127.0.0.1:4318' },
  });
  await expect(started).rejects.toThrow(StartupError);
  await expect(started).rejects.toThrow('OTEL_EXPORTER_OTLP_METRICS_PROTOCOL=http/json');
});
