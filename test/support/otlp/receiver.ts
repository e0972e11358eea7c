// A real OTLP receiver on loopback: a grpc-js server implementing the collector's MetricsService
// and TraceService (opentelemetry.proto.collector.*.v1), or an HTTP server taking OTLP/HTTP
// protobuf posts on /v1/metrics and /v1/traces; either decodes every request with the
// OpenTelemetry protobuf definitions (proto/, generated into gen/ by buf). Tests point a daemon
// at it and wait for what they expect to arrive (never a fixed sleep).
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import type { ServiceDefinition, UntypedServiceImplementation } from '@grpc/grpc-js';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { defineMethod } from '@switchyard/protocol';
import {
  ExportMetricsServiceRequestSchema,
  ExportMetricsServiceResponseSchema,
} from './gen/opentelemetry/proto/collector/metrics/v1/metrics_service_pb.js';
import type { ExportMetricsServiceRequest } from './gen/opentelemetry/proto/collector/metrics/v1/metrics_service_pb.js';
import {
  ExportTraceServiceRequestSchema,
  ExportTraceServiceResponseSchema,
} from './gen/opentelemetry/proto/collector/trace/v1/trace_service_pb.js';
import type { ExportTraceServiceRequest } from './gen/opentelemetry/proto/collector/trace/v1/trace_service_pb.js';
import type { AnyValue, KeyValue } from './gen/opentelemetry/proto/common/v1/common_pb.js';
import type { Metric } from './gen/opentelemetry/proto/metrics/v1/metrics_pb.js';
import type { Span } from './gen/opentelemetry/proto/trace/v1/trace_pb.js';

const METRICS = 'opentelemetry.proto.collector.metrics.v1.MetricsService';
const TRACES = 'opentelemetry.proto.collector.trace.v1.TraceService';

const metricsService = {
  export: defineMethod({
    service: METRICS,
    name: 'Export',
    input: ExportMetricsServiceRequestSchema,
    output: ExportMetricsServiceResponseSchema,
    serverStreaming: false,
  }),
};
const traceService = {
  export: defineMethod({
    service: TRACES,
    name: 'Export',
    input: ExportTraceServiceRequestSchema,
    output: ExportTraceServiceResponseSchema,
    serverStreaming: false,
  }),
};

export type Attributes = Record<string, string | number | boolean>;

/** One data point of a metric, flattened: its attributes and its value (sum, gauge or count). */
export interface Point {
  readonly attributes: Attributes;
  readonly value: number;
}

export interface ReceivedSpan {
  readonly name: string;
  readonly scope: string;
  readonly kind: number;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
  readonly attributes: Attributes;
  readonly statusCode: number;
}

function anyValue(value: AnyValue | undefined): string | number | boolean {
  const v = value?.value;
  switch (v?.case) {
    case 'stringValue':
    case 'boolValue':
    case 'doubleValue':
      return v.value;
    case 'intValue':
      return Number(v.value);
    default:
      return '';
  }
}

export function attributesOf(list: readonly KeyValue[]): Attributes {
  const out: Attributes = {};
  for (const kv of list) out[kv.key] = anyValue(kv.value);
  return out;
}

function pointsOf(metric: Metric): Point[] {
  const data = metric.data;
  switch (data.case) {
    case 'sum':
    case 'gauge':
      return data.value.dataPoints.map((p) => ({
        attributes: attributesOf(p.attributes),
        value: p.value.case === 'asInt' ? Number(p.value.value) : Number(p.value.value ?? 0),
      }));
    case 'histogram':
      return data.value.dataPoints.map((p) => ({
        attributes: attributesOf(p.attributes),
        value: Number(p.count),
      }));
    default:
      return [];
  }
}

/** A grpc-js call's view of its connection's TLS peer. */
interface PeerCall {
  getAuthContext(): { sslPeerCertificate?: { subject?: { CN?: string } } };
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

function credentialsOf(tls: { cert: Buffer; key: Buffer; ca?: Buffer } | undefined) {
  if (tls === undefined) return ServerCredentials.createInsecure();
  return ServerCredentials.createSsl(
    tls.ca ?? null,
    [{ cert_chain: tls.cert, private_key: tls.key }],
    tls.ca !== undefined,
  );
}

export class OtlpReceiver {
  readonly metricRequests: ExportMetricsServiceRequest[] = [];
  readonly traceRequests: ExportTraceServiceRequest[] = [];
  /** The path of every OTLP/HTTP request. */
  readonly paths: string[] = [];
  /** The common name of the client certificate of every request ('' without one). */
  readonly peers: string[] = [];
  /** Resource attributes of every request. */
  readonly resources: Attributes[] = [];
  private waiters: (() => void)[] = [];

  private constructor(
    private readonly server: Server | undefined,
    readonly address: string,
    private readonly stop?: () => Promise<void>,
  ) {}

  /**
   * OTLP/HTTP with protobuf bodies (the collector's port 4318): POST /v1/metrics and /v1/traces,
   * answered 200 with the protobuf response; anything else 404, a body that does not decode 400.
   */
  static async startHttp(tls?: {
    readonly cert: Buffer;
    readonly key: Buffer;
    readonly ca: Buffer;
  }): Promise<OtlpReceiver> {
    let receiver: OtlpReceiver | undefined;
    const answer = (res: ServerResponse, status: number, body: Uint8Array) => {
      res.writeHead(status, { 'content-type': 'application/x-protobuf' }).end(body);
    };
    const handle = (req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const r = receiver;
        const protobuf = req.headers['content-type'] === 'application/x-protobuf';
        try {
          if (r && protobuf && req.method === 'POST' && req.url === '/v1/metrics') {
            r.metricRequests.push(fromBinary(ExportMetricsServiceRequestSchema, body));
            answer(
              res,
              200,
              toBinary(
                ExportMetricsServiceResponseSchema,
                create(ExportMetricsServiceResponseSchema),
              ),
            );
          } else if (r && protobuf && req.method === 'POST' && req.url === '/v1/traces') {
            r.traceRequests.push(fromBinary(ExportTraceServiceRequestSchema, body));
            answer(
              res,
              200,
              toBinary(ExportTraceServiceResponseSchema, create(ExportTraceServiceResponseSchema)),
            );
          } else {
            answer(res, 404, new Uint8Array());
            return;
          }
          r.paths.push(req.url);
          const peer = (req.socket as Partial<TLSSocket>).getPeerCertificate?.();
          r.peers.push(typeof peer?.subject?.CN === 'string' ? peer.subject.CN : '');
          r.changed();
        } catch {
          answer(res, 400, new Uint8Array());
        }
      });
    };
    // With `tls`, a client certificate signed by `tls.ca` is required (mutual TLS).
    const http = tls
      ? createHttpsServer({ ...tls, requestCert: true, rejectUnauthorized: true }, handle)
      : createServer(handle);
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const port = (http.address() as AddressInfo).port;
    receiver = new OtlpReceiver(undefined, `127.0.0.1:${port}`, () => {
      http.closeAllConnections();
      return new Promise((resolve) => http.close(() => resolve()));
    });
    return receiver;
  }

  /**
   * Listens on loopback: plaintext, or TLS with `tls` (the client must present a certificate
   * signed by `tls.ca` when it is given).
   */
  static async start(tls?: {
    readonly cert: Buffer;
    readonly key: Buffer;
    readonly ca?: Buffer;
  }): Promise<OtlpReceiver> {
    const server = new Server();
    let receiver: OtlpReceiver | undefined;
    const handler =
      <R>(into: (r: OtlpReceiver) => R[], response: unknown) =>
      (call: { request: R } & PeerCall, callback: (e: null, r: unknown) => void) => {
        if (receiver) {
          into(receiver).push(call.request);
          receiver.peers.push(call.getAuthContext().sslPeerCertificate?.subject?.CN ?? '');
          receiver.changed();
        }
        callback(null, response);
      };
    server.addService(
      metricsService as unknown as ServiceDefinition,
      {
        export: handler<ExportMetricsServiceRequest>(
          (r) => r.metricRequests,
          create(ExportMetricsServiceResponseSchema),
        ),
      } as UntypedServiceImplementation,
    );
    server.addService(
      traceService as unknown as ServiceDefinition,
      {
        export: handler<ExportTraceServiceRequest>(
          (r) => r.traceRequests,
          create(ExportTraceServiceResponseSchema),
        ),
      } as UntypedServiceImplementation,
    );
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', credentialsOf(tls), (error, bound) =>
        error ? reject(error) : resolve(bound),
      ),
    );
    receiver = new OtlpReceiver(server, `127.0.0.1:${port}`);
    return receiver;
  }

  private changed(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Data points of the metric `name` in the newest export that has it. */
  points(name: string): Point[] {
    for (let i = this.metricRequests.length - 1; i >= 0; i--) {
      const found: Point[] = [];
      for (const rm of this.metricRequests[i]?.resourceMetrics ?? []) {
        for (const sm of rm.scopeMetrics) {
          for (const m of sm.metrics) if (m.name === name) found.push(...pointsOf(m));
        }
      }
      if (found.length > 0) return found;
    }
    return [];
  }

  /** Every metric name received. */
  metricNames(): Set<string> {
    const names = new Set<string>();
    for (const req of this.metricRequests) {
      for (const rm of req.resourceMetrics) {
        for (const sm of rm.scopeMetrics) for (const m of sm.metrics) names.add(m.name);
      }
    }
    return names;
  }

  /** Resource attributes of the first metrics export. */
  metricResource(): Attributes {
    return attributesOf(this.metricRequests[0]?.resourceMetrics[0]?.resource?.attributes ?? []);
  }

  spans(): ReceivedSpan[] {
    const out: ReceivedSpan[] = [];
    for (const req of this.traceRequests) {
      for (const rs of req.resourceSpans) {
        for (const ss of rs.scopeSpans) {
          for (const s of ss.spans) out.push(received(s, ss.scope?.name ?? ''));
        }
      }
    }
    return out;
  }

  /** Resolves once `check` holds for what has arrived (checked after every request). */
  async until(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`OTLP receiver: timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Ends every open connection (GOAWAY): clients connect again, with a new TLS handshake. */
  drain(): void {
    this.server?.drain(this.address, 0);
  }

  close(): Promise<void> {
    if (this.stop) return this.stop();
    const server = this.server!;
    return new Promise((resolve) => server.tryShutdown(() => resolve()));
  }
}

function received(span: Span, scope: string): ReceivedSpan {
  return {
    name: span.name,
    scope,
    kind: span.kind,
    traceId: hex(span.traceId),
    spanId: hex(span.spanId),
    parentSpanId: hex(span.parentSpanId),
    attributes: attributesOf(span.attributes),
    statusCode: span.status?.code ?? 0,
  };
}
