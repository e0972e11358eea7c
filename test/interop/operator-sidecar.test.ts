// `switchyard start` as the OpenFeature operator's flagd sidecar: the argument vector and the
// environment the injector builds (open-feature/open-feature-operator:
// internal/common/flagdinjector/flagdinjector.go, buildFlagdArgs and generateBasicFlagdContainer;
// api/core/v1beta1/featureflagsource_types.go, ToEnvVars), with every optional argument present,
// in its order. The daemon must start, and honour each option: ports, sources (file mode, the
// ConfigMap path layout /etc/flagd/<ns>_<name>/<ns>_<name>.flagd.json), --context-value,
// --context-from-header, --cors-origin, --ofrep-port, --debug and the telemetry options, while
// --sync-provider-args (removed from flagd) is accepted and reported as without effect.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Metadata, credentials } from '@grpc/grpc-js';
import { FlagSyncServiceClient } from '@switchyard/protocol';
import { daemonCommand, readyzStatus } from '../launchpad/daemon-process.js';
import { freePorts } from '../launchpad/ports.js';

jest.setTimeout(120_000);

const dir = mkdtempSync(join(tmpdir(), 'switchyard-operator-'));
let child: ChildProcess | undefined;
let output = '';

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

/** The ConfigMap mount of a FeatureFlag `my-namespace/server-side`, as the injector lays it out. */
function configMapMount(): string {
  const mount = join(dir, 'etc/flagd/my-namespace_server-side');
  mkdirSync(mount, { recursive: true });
  const flags = {
    flags: {
      'new-welcome-banner': {
        state: 'ENABLED',
        variants: { on: true, off: false },
        defaultVariant: 'off',
        targeting: { if: [{ '==': [{ var: 'tenantId' }, 'acme'] }, 'on', 'off'] },
      },
    },
  };
  const path = join(mount, 'my-namespace_server-side.flagd.json');
  writeFileSync(path, JSON.stringify(flags));
  return path;
}

function getMetadata(port: number): Promise<unknown> {
  const client = new FlagSyncServiceClient(`127.0.0.1:${port}`, credentials.createInsecure());
  return new Promise((resolve, reject) =>
    client.getMetadata(
      { $typeName: 'flagd.sync.v1.GetMetadataRequest' },
      new Metadata(),
      {},
      (error, response) => {
        client.close();
        if (error) reject(error);
        else resolve(response!.metadata);
      },
    ),
  );
}

test("the operator's sidecar argument vector and environment start the daemon, and every option is honoured", async () => {
  const [management, port, ofrep, sync] = await freePorts(4);
  const sources = [{ uri: configMapMount(), provider: 'file' }];
  // generateBasicFlagdContainer, then appendSources, then buildFlagdArgs, verbatim.
  const argv = [
    'start',
    '--management-port',
    `${management}`,
    '--port',
    `${port}`,
    '--sources',
    JSON.stringify(sources),
    '--sync-provider-args',
    'arg-1',
    '--sync-provider-args',
    'arg-2',
    '--debug',
    '--metrics-exporter',
    'otel',
    '--otel-collector-uri',
    'otel-collector.observability:4317',
    '--context-value',
    'env=prod',
    '--context-value',
    'region=us-east-1',
    '--context-from-header',
    'X-Region=region',
    '--context-from-header',
    'X-Tenant=tenantId',
    '--cors-origin',
    'http://localhost:3000',
    '--cors-origin',
    'https://example.com',
    '--ofrep-port',
    `${ofrep}`,
  ];
  // ToEnvVars: the same ports again, the evaluator, the log format and FLAGD_RESOLVER (meant
  // for the application's provider, but set on the sidecar too). The operator sets no sync
  // port: FLAGD_SYNC_PORT moves it off 8015 so parallel tests cannot collide.
  const env = {
    ...process.env,
    FLAGD_MANAGEMENT_PORT: `${management}`,
    FLAGD_PORT: `${port}`,
    FLAGD_EVALUATOR: 'json',
    FLAGD_LOG_FORMAT: 'json',
    FLAGD_RESOLVER: 'rpc',
    FLAGD_SYNC_PORT: `${sync}`,
  };
  const [command, ...prefix] = daemonCommand();
  child = spawn(command!, [...prefix, ...argv], {
    cwd: dir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const deadline = Date.now() + 60_000;
  while ((await readyzStatus(management!)) !== 200) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`not ready:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }

  // --context-value: the sync_context / GetMetadata map.
  expect(await getMetadata(sync!)).toEqual({ env: 'prod', region: 'us-east-1' });
  // --ofrep-port, --context-from-header (X-Tenant → tenantId) and --context-value in evaluation.
  const evaluate = (headers: Record<string, string>) =>
    fetch(`http://127.0.0.1:${ofrep}/ofrep/v1/evaluate/flags/new-welcome-banner`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: '{"context":{}}',
    }).then((r) => r.json() as Promise<{ value: boolean; reason: string }>);
  expect(await evaluate({ 'x-tenant': 'acme' })).toMatchObject({
    value: true,
    reason: 'TARGETING_MATCH',
  });
  expect(await evaluate({ 'x-tenant': 'other' })).toMatchObject({ value: false });
  // --cors-origin: a browser preflight from an allowed origin.
  const preflight = await fetch(`http://127.0.0.1:${ofrep}/ofrep/v1/evaluate/flags`, {
    method: 'OPTIONS',
    headers: { origin: 'https://example.com', 'access-control-request-method': 'POST' },
  });
  expect(preflight.headers.get('access-control-allow-origin')).toBe('https://example.com');
  // --port: the evaluation service listens (gRPC; its protocols are tested elsewhere).
  const evaluation = await fetch(`http://127.0.0.1:${port}/`).catch((e: Error) => e);
  expect(evaluation).not.toMatchObject({ cause: { code: 'ECONNREFUSED' } });

  // JSON logs (FLAGD_LOG_FORMAT), debug lines (--debug), the telemetry and the ignored option.
  const lines = output
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { level: number; msg: string });
  expect(lines.some((l) => l.level === 20)).toBe(true);
  expect(lines.find((l) => /OpenTelemetry export/.test(l.msg))?.msg).toMatch(
    /metrics to OTLP\/gRPC http:\/\/otel-collector\.observability:4317, traces to OTLP/,
  );
  expect(lines.find((l) => /no effect yet/.test(l.msg))?.msg).toMatch(/--sync-provider-args/);
});
