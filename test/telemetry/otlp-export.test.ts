// OpenTelemetry end to end: a daemon started with `--metrics-exporter otel --otel-collector-uri`
// pointed at a real OTLP/gRPC receiver on loopback (test/support/otlp) serves sync, gRPC and
// Connect and OFREP traffic and publishes an edit; what the receiver decodes with the OpenTelemetry protobuf
// definitions must carry flagd's instrument names and attributes, our own instruments, and
// flagd's spans, with the caller's W3C trace context as parent. The management port's /metrics
// shows the same instruments in Prometheus text. Logs written inside a span carry its ids.
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Metadata, credentials } from '@grpc/grpc-js';
import { createLogger, startDaemon } from '@switchyard/daemon';
import type { Daemon } from '@switchyard/daemon';
import {
  EvaluationV1ServiceClient,
  EvaluationV2ServiceClient,
  FlagSyncServiceClient,
} from '@switchyard/protocol';
import { OtlpReceiver } from '../support/otlp/receiver.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE_ID}-${PARENT_ID}-01`;

function flags(welcome: string): string {
  return JSON.stringify({
    flags: {
      'show-welcome-banner': {
        state: 'ENABLED',
        variants: { on: true, off: false },
        defaultVariant: welcome,
      },
      color: {
        state: 'ENABLED',
        variants: { red: 'red', blue: 'blue' },
        defaultVariant: 'red',
        targeting: { if: [{ '===': [{ var: 'tier' }, 'gold'] }, 'blue'] },
      },
    },
  });
}

const dir = mkdtempSync(join(tmpdir(), 'switchyard-otel-'));
const file = join(dir, 'flags.json');
writeFileSync(file, flags('off'));

let receiver: OtlpReceiver;
let daemon: Daemon;
const logLines: Record<string, unknown>[] = [];
let prometheusText = '';

function unary<T>(fn: (done: (error: Error | null, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) =>
    fn((error, value) => (error ? reject(error) : resolve(value as T))),
  );
}

async function syncTraffic(): Promise<void> {
  const client = new FlagSyncServiceClient(
    `127.0.0.1:${daemon.ports.sync}`,
    credentials.createInsecure(),
  );
  const metadata = new Metadata();
  metadata.set('flagd-selector', `source=${file}`);
  const stream = client.syncFlags(
    { $typeName: 'flagd.sync.v1.SyncFlagsRequest', providerId: 'otel-test', selector: '' },
    metadata,
  );
  await new Promise<void>((resolve, reject) => {
    stream.once('data', () => resolve());
    stream.once('error', reject);
  });
  // A second generation while the stream is open (its message is a sync response).
  const published = new Promise<void>((resolve) => {
    const off = daemon.subscribe((event) => {
      if (event.type === 'generation') {
        off();
        resolve();
      }
    });
  });
  writeFileSync(`${file}.tmp`, flags('on'));
  renameSync(`${file}.tmp`, file);
  await published;
  stream.on('error', () => {});
  stream.cancel();
  client.close();
}

async function grpcTraffic(): Promise<void> {
  const address = `127.0.0.1:${daemon.ports.evaluation}`;
  const v1 = new EvaluationV1ServiceClient(address, credentials.createInsecure());
  const v2 = new EvaluationV2ServiceClient(address, credentials.createInsecure());
  const traced = new Metadata();
  traced.set('traceparent', TRACEPARENT);
  await unary((done) =>
    v1.resolveBoolean(
      { $typeName: 'flagd.evaluation.v1.ResolveBooleanRequest', flagKey: 'show-welcome-banner' },
      traced,
      {},
      done,
    ),
  );
  await unary((done) =>
    v2.resolveString(
      {
        $typeName: 'flagd.evaluation.v2.ResolveStringRequest',
        flagKey: 'color',
        context: { tier: 'gold' },
      },
      new Metadata(),
      {},
      done,
    ),
  );
  await expect(
    unary((done) =>
      v1.resolveBoolean(
        { $typeName: 'flagd.evaluation.v1.ResolveBooleanRequest', flagKey: 'no-such-flag' },
        new Metadata(),
        {},
        done,
      ),
    ),
  ).rejects.toThrow(/no-such-flag|not found/i);
  // An EventStream, opened and cancelled by the client after provider_ready.
  const stream = v1.eventStream({ $typeName: 'flagd.evaluation.v1.EventStreamRequest' }, traced);
  await new Promise<void>((resolve, reject) => {
    stream.once('data', () => resolve());
    stream.once('error', reject);
  });
  stream.on('error', () => {});
  const cancelled = new Promise<void>((resolve) => stream.once('close', resolve));
  stream.cancel();
  await cancelled;
  v1.close();
  v2.close();
}

/** A Connect EventStream (enveloped JSON over HTTP/1.1), read to provider_ready, then dropped. */
async function connectEventStream(): Promise<void> {
  const abort = new AbortController();
  const envelope = Buffer.concat([Buffer.from([0, 0, 0, 0, 2]), Buffer.from('{}')]);
  const answer = await fetch(
    `http://127.0.0.1:${daemon.ports.evaluation}/flagd.evaluation.v1.Service/EventStream`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/connect+json', traceparent: TRACEPARENT },
      body: envelope,
      signal: abort.signal,
    },
  );
  expect(answer.status).toBe(200);
  const reader = answer.body!.getReader();
  let text = '';
  while (!text.includes('provider_ready')) {
    const chunk = await reader.read();
    if (chunk.done) break;
    text += Buffer.from(chunk.value).toString('utf8');
  }
  expect(text).toContain('provider_ready');
  abort.abort();
  await reader.closed.catch(() => {});
}

/** Connect JSON over HTTP/1.1, as flagd's quick start curls it. */
async function connectTraffic(): Promise<void> {
  const answer = await fetch(
    `http://127.0.0.1:${daemon.ports.evaluation}/flagd.evaluation.v1.Service/ResolveString`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: TRACEPARENT },
      body: JSON.stringify({ flagKey: 'color', context: {} }),
    },
  );
  expect(answer.status).toBe(200);
  expect(await answer.json()).toMatchObject({ value: 'red', variant: 'red' });
  await connectEventStream();
}

async function ofrepTraffic(): Promise<void> {
  const base = `http://127.0.0.1:${daemon.ports.ofrep}/ofrep/v1/evaluate/flags`;
  const single = await fetch(`${base}/color`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', traceparent: TRACEPARENT },
    body: JSON.stringify({ context: { targetingKey: 'u1' } }),
  });
  expect(single.status).toBe(200);
  const bulk = await fetch(base, { method: 'POST', body: '{"context":{}}' });
  expect(bulk.status).toBe(200);
  await bulk.arrayBuffer();
}

beforeAll(async () => {
  receiver = await OtlpReceiver.start();
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line) logLines.push(JSON.parse(line));
      done();
    },
  });
  daemon = await startDaemon({
    sources: [`file:${file}`],
    host: '127.0.0.1',
    syncPort: 0,
    managementPort: 0,
    evaluationPort: 0,
    ofrepPort: 0,
    watch: { quietMs: 20, settleMs: 20 },
    logger: createLogger({ format: 'json', level: 'debug', destination }),
    telemetry: {
      metricsExporter: 'otel',
      otelCollectorUri: receiver.address,
      metricExportIntervalMs: 3_600_000, // closing the daemon flushes; the timer must not
    },
  });
  await daemon.ready;
  await syncTraffic();
  await grpcTraffic();
  await connectTraffic();
  await ofrepTraffic();
  const metrics = await fetch(`http://127.0.0.1:${daemon.ports.management}/metrics`);
  prometheusText = await metrics.text();
  // Closing flushes every reader and the span processor to the receiver.
  await daemon.close();
  await receiver.until(
    () => receiver.metricRequests.length > 0 && receiver.traceRequests.length > 0,
    'a metrics and a trace export',
  );
}, 60_000);

afterAll(async () => {
  await daemon?.close();
  await receiver?.close();
});

test("flagd's instruments arrive over OTLP with flagd's names and attributes", () => {
  const names = receiver.metricNames();
  for (const name of [
    'feature_flag.flagd.impression',
    'feature_flag.flagd.result.reason',
    'feature_flag.flagd.sync.active_streams',
    'feature_flag.flagd.sync.stream.duration',
    'http.server.request.duration',
    'http.server.request.body.size',
    'http.server.response.body.size',
    'rpc.server.duration',
    'rpc.server.request.size',
    'rpc.server.response.size',
    'rpc.server.requests_per_rpc',
    'rpc.server.responses_per_rpc',
  ]) {
    expect(names).toContain(name);
  }
  expect(receiver.points('feature_flag.flagd.impression')).toEqual(
    expect.arrayContaining([
      {
        attributes: {
          'feature_flag.key': 'color',
          'feature_flag.result.variant': 'blue',
          'feature_flag.provider.name': 'flagd',
          'feature_flag.reason': 'TARGETING_MATCH',
        },
        value: 1,
      },
      {
        attributes: {
          'feature_flag.key': 'color',
          'feature_flag.result.variant': 'red',
          'feature_flag.provider.name': 'flagd',
          'feature_flag.reason': 'DEFAULT',
        },
        value: expect.any(Number),
      },
      {
        attributes: {
          'feature_flag.key': 'show-welcome-banner',
          'feature_flag.result.variant': 'on',
          'feature_flag.provider.name': 'flagd',
          'feature_flag.reason': 'STATIC',
        },
        value: expect.any(Number),
      },
    ]),
  );
  expect(receiver.points('feature_flag.flagd.result.reason')).toEqual(
    expect.arrayContaining([
      {
        attributes: {
          'feature_flag.provider.name': 'flagd',
          'feature_flag.reason': 'ERROR',
          'error.type': 'FLAG_NOT_FOUND',
        },
        value: 1,
      },
    ]),
  );
  const streams = receiver.points('feature_flag.flagd.sync.stream.duration');
  expect(streams).toEqual(
    expect.arrayContaining([
      {
        attributes: {
          selector: `source=${file}`,
          provider_id: 'otel-test',
          reason: 'client_disconnect',
        },
        value: 1,
      },
    ]),
  );
  expect(receiver.points('http.server.request.duration')).toEqual(
    expect.arrayContaining([
      {
        attributes: {
          'service.name': 'switchyard',
          'http.route': '/ofrep/v1/evaluate/flags/{key}',
          'http.request.method': 'POST',
          'http.response.status_code': 200,
          'url.scheme': 'http',
        },
        value: 1,
      },
    ]),
  );
  expect(receiver.points('http.server.request.duration')).toEqual(
    expect.arrayContaining([
      {
        attributes: {
          'service.name': 'switchyard',
          'http.route': '/flagd.evaluation.v1.Service/ResolveString',
          'http.request.method': 'POST',
          'http.response.status_code': 200,
          'url.scheme': 'http',
        },
        value: 1,
      },
      {
        attributes: expect.objectContaining({
          'http.route': '/flagd.evaluation.v2.Service/ResolveString',
          'http.response.status_code': 200,
        }),
        value: 1,
      },
    ]),
  );
  expect(receiver.points('rpc.server.duration')).toEqual(
    expect.arrayContaining([
      {
        attributes: {
          'rpc.system': 'grpc',
          'rpc.service': 'flagd.sync.v1.FlagSyncService',
          'rpc.method': 'SyncFlags',
          'rpc.grpc.status_code': 1,
        },
        value: 1,
      },
      {
        attributes: {
          'rpc.system': 'grpc',
          'rpc.service': 'flagd.evaluation.v1.Service',
          'rpc.method': 'ResolveBoolean',
          'rpc.grpc.status_code': 5,
        },
        value: 1,
      },
      {
        attributes: {
          'rpc.system': 'connect_rpc',
          'rpc.service': 'flagd.evaluation.v1.Service',
          'rpc.method': 'ResolveString',
          'rpc.grpc.status_code': 0,
        },
        value: 1,
      },
    ]),
  );
});

test('request and response sizes: RPC messages on the sync and evaluation ports, HTTP/2 bodies', () => {
  const rpc = (name: string, attributes: Record<string, string | number>) =>
    receiver
      .points(name)
      .filter((p) => Object.entries(attributes).every(([k, v]) => p.attributes[k] === v));
  for (const name of ['rpc.server.request.size', 'rpc.server.response.size']) {
    expect(rpc(name, { 'rpc.method': 'SyncFlags', 'rpc.system': 'grpc' })).toHaveLength(1);
    expect(
      rpc(name, { 'rpc.service': 'flagd.evaluation.v2.Service', 'rpc.method': 'ResolveString' }),
    ).toEqual([expect.objectContaining({ value: 1 })]);
    expect(rpc(name, { 'rpc.system': 'connect_rpc', 'rpc.method': 'ResolveString' })).toEqual([
      expect.objectContaining({ value: 1 }),
    ]);
  }
  // gRPC and Connect streams on the evaluation port's HTTP/2: body sizes both ways.
  const h2 = (name: string) =>
    receiver
      .points(name)
      .filter((p) => p.attributes['http.route'] === '/flagd.evaluation.v2.Service/ResolveString');
  expect(h2('http.server.request.body.size')).toEqual([expect.objectContaining({ value: 1 })]);
  expect(h2('http.server.response.body.size')).toEqual([expect.objectContaining({ value: 1 })]);
});

test('our instruments arrive too, and the resource names the service', () => {
  const names = receiver.metricNames();
  for (const name of [
    'switchyard.generations.published',
    'switchyard.publish.latency_seconds',
    'switchyard.source.healthy',
    'switchyard.source.ready',
    'switchyard.flags_with_rule_errors',
    'switchyard.flags_loaded',
    'process_resident_memory_bytes',
  ]) {
    expect(names).toContain(name);
  }
  expect(receiver.points('switchyard.generations.published')).toEqual([
    { attributes: {}, value: 2 },
  ]);
  expect(receiver.metricResource()).toMatchObject({
    'service.name': 'switchyard',
    'telemetry.sdk.language': 'nodejs',
  });
});

test("flagd's spans: a server span per remote evaluation, parented by the caller's traceparent", () => {
  const spans = receiver.spans();
  const server = spans.find(
    (s) => s.scope === 'flagd.evaluation.v1' && s.name === 'resolveBoolean',
  );
  expect(server).toMatchObject({
    kind: 2, // SERVER
    traceId: TRACE_ID,
    parentSpanId: PARENT_ID,
    attributes: {
      'feature_flag.key': 'show-welcome-banner',
      'feature_flag.provider.name': 'flagd',
      'feature_flag.result.variant': 'on',
    },
  });
  expect(spans).toContainEqual(
    expect.objectContaining({
      scope: 'jsonEvaluator',
      name: 'resolveBoolean',
      traceId: TRACE_ID,
      parentSpanId: server?.spanId,
    }),
  );
  expect(spans).toContainEqual(
    expect.objectContaining({
      scope: 'flagd.evaluation.v2',
      name: 'resolveString',
      attributes: expect.objectContaining({ 'feature_flag.result.variant': 'blue' }),
    }),
  );
  expect(spans).toContainEqual(
    expect.objectContaining({
      scope: 'flagd.evaluation.v1',
      name: 'resolveBoolean',
      statusCode: 2,
    }),
  );
  expect(spans).toContainEqual(
    expect.objectContaining({
      scope: 'flagd.evaluation.v1',
      name: 'resolveString',
      kind: 2,
      traceId: TRACE_ID,
      parentSpanId: PARENT_ID,
      attributes: expect.objectContaining({ 'rpc.system': 'connect', 'feature_flag.key': 'color' }),
    }),
  );
  expect(spans).toContainEqual(
    expect.objectContaining({
      scope: 'flagd.ofrep.v1',
      name: 'flagd.ofrep',
      kind: 2,
      traceId: TRACE_ID,
      parentSpanId: PARENT_ID,
    }),
  );
});

test("EventStream: otelconnect's server span, parented by the caller's traceparent", () => {
  const streams = receiver.spans().filter((s) => s.scope === 'connectrpc.com/otelconnect');
  expect(streams).toEqual(
    expect.arrayContaining([
      expect.objectContaining({
        name: 'flagd.evaluation.v1.Service/EventStream',
        kind: 2, // SERVER
        traceId: TRACE_ID,
        parentSpanId: PARENT_ID,
        attributes: {
          'rpc.system': 'grpc',
          'rpc.service': 'flagd.evaluation.v1.Service',
          'rpc.method': 'EventStream',
          'rpc.grpc.status_code': 1, // CANCELLED: the client went away
        },
      }),
      expect.objectContaining({
        name: 'flagd.evaluation.v1.Service/EventStream',
        kind: 2,
        traceId: TRACE_ID,
        parentSpanId: PARENT_ID,
        attributes: {
          'rpc.system': 'connect_rpc',
          'rpc.service': 'flagd.evaluation.v1.Service',
          'rpc.method': 'EventStream',
          'rpc.connect_rpc.error_code': 'canceled',
        },
      }),
    ]),
  );
  // CANCELLED is not a server error (otelconnect's serverSpanStatus).
  for (const span of streams) expect(span.statusCode).not.toBe(2);
});

test('a span per published generation: flagSync with source.load and store.publish', () => {
  const spans = receiver.spans();
  const sync = spans.find(
    (s) => s.name === 'flagSync' && s.attributes['switchyard.generation'] === 2,
  );
  expect(sync).toMatchObject({
    scope: 'jsonEvaluator',
    attributes: { 'feature_flag.source': file },
  });
  const children = spans.filter((s) => s.parentSpanId === sync?.spanId).map((s) => s.name);
  expect(children.sort()).toEqual(['source.load', 'store.publish']);
});

test('logs written inside a traced publish carry its trace and span ids', () => {
  const spans = receiver.spans();
  const publishes = new Map(
    spans.filter((s) => s.name === 'store.publish').map((s) => [s.spanId, s.traceId]),
  );
  const traced = logLines.filter((l) => typeof l.span_id === 'string');
  expect(traced.length).toBeGreaterThan(0);
  expect(traced.some((l) => publishes.get(l.span_id as string) === l.trace_id)).toBe(true);
});

test('Prometheus /metrics shows the same instruments, and the switchyard_* names it always had', () => {
  for (const series of [
    /^feature_flag_flagd_impression_total\{feature_flag_key="color",feature_flag_result_variant="blue",feature_flag_provider_name="flagd",feature_flag_reason="TARGETING_MATCH"\} 1$/m,
    /^feature_flag_flagd_result_reason_total\{/m,
    /^feature_flag_flagd_sync_active_streams\{selector="[^"]+",provider_id="otel-test"\} 0$/m,
    /^http_server_request_duration_bucket\{.*http_route="\/ofrep\/v1\/evaluate\/flags\/\{key\}"/m,
    /^rpc_server_duration_count\{rpc_system="grpc",rpc_service="flagd\.sync\.v1\.FlagSyncService",rpc_method="SyncFlags"/m,
    /^rpc_server_request_size_count\{rpc_system="grpc",rpc_service="flagd\.evaluation\.v2\.Service",rpc_method="ResolveString",rpc_grpc_status_code="0"\} 1$/m,
    /^rpc_server_response_size_count\{rpc_system="connect_rpc",rpc_service="flagd\.evaluation\.v1\.Service",rpc_method="ResolveString",rpc_grpc_status_code="0"\} 1$/m,
    /^http_server_response_body_size_count\{.*http_route="\/flagd\.evaluation\.v2\.Service\/ResolveString".*\} 1$/m,
    /^http_server_request_body_size_count\{.*http_route="\/flagd\.evaluation\.v2\.Service\/ResolveString".*\} 1$/m,
    /^switchyard_generations_published_total 2$/m,
    /^switchyard_flags_loaded 2$/m,
    /^switchyard_source_ready\{source="[^"]+"\} 1$/m,
    /^switchyard_publish_latency_seconds_count 1$/m,
    /^process_resident_memory_bytes \d+/m,
  ]) {
    expect(prometheusText).toMatch(series);
  }
});
