// Child process of the remote-evaluation bench: serves either the daemon (flagd.evaluation and
// OFREP on free ports) or the ceilings (a bare node:http server answering a fixed JSON body — the
// OFREP or the Connect answer, by path — and a bare grpc-js unary service answering a fixed
// ResolveBoolean response). Prints its ports as one JSON line and runs until killed, so the load
// comes from another process. The daemon runs with its default telemetry (`daemon`: per-evaluation
// counts and request metrics read by the Prometheus exporter), without any (`daemon-off`), or with
// everything exported over OTLP (`daemon-otel`: metrics every second and a span pair per request,
// sent to a collector stand-in in this process that answers every export without decoding it).
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import {
  EvaluationV2ServiceDefinition,
  addService,
  encode,
  evaluationV2,
  preEncoded,
} from '@switchyard/protocol';
import { startDaemon } from '../src/daemon.js';
import { createLogger } from '../src/logger.js';
import type { TelemetryOptions } from '../src/telemetry/telemetry.js';

/** The OFREP single-flag answer the daemon gives for `bool-flag`: the ceiling sends the same bytes. */
const SINGLE_BODY =
  '{"key":"bool-flag","value":true,"reason":"STATIC","variant":"on","metadata":{}}';
/** The Connect JSON answer of v2 ResolveBoolean for `bool-flag` (the ceiling's body on `/flagd.*`). */
const CONNECT_BODY = '{"value":true,"reason":"STATIC","variant":"on","metadata":{}}';

/** A collector stand-in: accepts OTLP/gRPC metric and trace exports and drops them. */
async function sink(): Promise<string> {
  const server = new Server();
  const drop = {
    path: '',
    requestStream: false,
    responseStream: false,
    requestSerialize: (b: Buffer) => b,
    requestDeserialize: (b: Buffer) => b,
    responseSerialize: (b: Buffer) => b,
    responseDeserialize: (b: Buffer) => b,
  };
  for (const service of ['metrics', 'trace']) {
    const name = service === 'metrics' ? 'MetricsService' : 'TraceService';
    server.addService(
      { export: { ...drop, path: `/opentelemetry.proto.collector.${service}.v1.${name}/Export` } },
      {
        export: (_call: unknown, done: (e: null, b: Buffer) => void) => done(null, Buffer.alloc(0)),
      },
    );
  }
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) =>
      e ? reject(e) : resolve(p),
    ),
  );
  return `127.0.0.1:${port}`;
}

async function telemetryOf(mode: string): Promise<TelemetryOptions> {
  if (mode === 'daemon-off') return { metricsExporter: 'prometheus', requestMetrics: false };
  if (mode !== 'daemon-otel') return { metricsExporter: 'prometheus' };
  return {
    metricsExporter: 'otel',
    otelCollectorUri: await sink(),
    metricExportIntervalMs: 1000,
  };
}

async function daemon(mode: string): Promise<object> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-remote-bench-'));
  // The example flags plus a static boolean (the measured single flag) and a targeted string.
  const examples = join(__dirname, '../../../flags');
  const uris: string[] = [];
  for (const file of readdirSync(examples)
    .filter((f) => /\.(json|ya?ml)$/.test(f))
    .sort()) {
    writeFileSync(join(dir, file), readFileSync(join(examples, file)));
    uris.push(`file:${join(dir, file)}`);
  }
  writeFileSync(
    join(dir, 'bench.json'),
    JSON.stringify({
      flags: {
        'bool-flag': { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'on' },
        'targeted-flag': {
          state: 'ENABLED',
          variants: { internal: 'INTERNAL', external: 'EXTERNAL' },
          defaultVariant: 'external',
          targeting: { if: [{ ends_with: [{ var: 'email' }, '@example.com'] }, 'internal', null] },
        },
      },
    }),
  );
  uris.push(`file:${join(dir, 'bench.json')}`);
  const d = await startDaemon({
    sources: uris,
    host: '127.0.0.1',
    syncPort: 0,
    managementPort: 0,
    evaluationPort: 0,
    ofrepPort: 0,
    logger: createLogger({ format: 'json', destination: { write: () => true } }),
    telemetry: await telemetryOf(mode),
  });
  await d.ready;
  return { grpc: d.ports.evaluation, http: d.ports.ofrep };
}

async function ceiling(): Promise<object> {
  const single = Buffer.from(SINGLE_BODY);
  const connect = Buffer.from(CONNECT_BODY);
  const http = createServer((req, res) => {
    req.resume();
    const body = req.url?.startsWith('/flagd.') ? connect : single;
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const answer = preEncoded(
    encode(evaluationV2.ResolveBooleanResponseSchema, {
      $typeName: 'flagd.evaluation.v2.ResolveBooleanResponse',
      value: true,
      reason: 'STATIC',
      variant: 'on',
      metadata: {},
    }),
  );
  const grpc = new Server();
  const unimplemented = (_call: unknown, callback: (e: object) => void) => callback({ code: 12 });
  addService(grpc, EvaluationV2ServiceDefinition, {
    resolveBoolean: (_call, callback) => callback(null, answer as never),
    resolveString: unimplemented as never,
    resolveFloat: unimplemented as never,
    resolveInt: unimplemented as never,
    resolveObject: unimplemented as never,
    eventStream: (call) => call.end(),
  });
  const port = await new Promise<number>((resolve, reject) =>
    grpc.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) =>
      e ? reject(e) : resolve(p),
    ),
  );
  return { grpc: port, http: (http.address() as AddressInfo).port };
}

(process.argv[2] === 'ceiling' ? ceiling() : daemon(process.argv[2] ?? 'daemon')).then(
  (ports) => process.stdout.write(`${JSON.stringify(ports)}\n`),
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  },
);
