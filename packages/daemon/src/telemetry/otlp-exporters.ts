// The OTLP exporters, over the protocol OTEL_EXPORTER_OTLP_PROTOCOL (or the per-signal
// OTEL_EXPORTER_OTLP_METRICS_PROTOCOL / _TRACES_PROTOCOL) names, as flagd chooses them: `grpc`
// (flagd's default, also with --otel-collector-uri) or `http/protobuf`; flagd's exporters
// (go.opentelemetry.io/contrib/exporters/autoexport, open-feature/flagd:
// core/pkg/telemetry/builder.go) know no other, so any other value fails the start.
//
// Where to: --otel-collector-uri (`host:port` or a URL; over HTTP the signal's path, `/v1/metrics`
// or `/v1/traces`, is appended), else the OTEL_EXPORTER_OTLP_[SIGNAL_]ENDPOINT variables the
// exporters read themselves. TLS from the --otel-* files (collector-tls.ts) on either protocol.
import { OTLPMetricExporter as GrpcMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPMetricExporter as ProtobufMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as ProtobufTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import { StartupError } from '../errors/startup-error.js';
import type { CollectorTls } from './collector-tls.js';

export type OtlpProtocol = 'grpc' | 'http/protobuf';
export type Signal = 'metrics' | 'traces';

const PROTOCOLS: readonly string[] = ['grpc', 'http/protobuf'];

/** The protocol of `signal`: its own variable, else the general one, else gRPC (flagd's). */
export function otlpProtocol(env: NodeJS.ProcessEnv, signal: Signal): OtlpProtocol {
  const own = `OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_PROTOCOL`;
  const [name, value] = env[own]?.trim()
    ? [own, env[own].trim()]
    : ['OTEL_EXPORTER_OTLP_PROTOCOL', env.OTEL_EXPORTER_OTLP_PROTOCOL?.trim() || 'grpc'];
  if (!PROTOCOLS.includes(value)) {
    throw new StartupError(
      `${name}=${value}: the OTLP protocol is \`grpc\` or \`http/protobuf\` (as flagd's)`,
    );
  }
  return value as OtlpProtocol;
}

export interface CollectorConnection {
  /** The collector from --otel-collector-uri, as a URL (undefined: the OTEL_* variables). */
  readonly url: string | undefined;
  readonly tls: CollectorTls | undefined;
}

/** What the start-up log says of a protocol. */
export const PROTOCOL_NAME: Readonly<Record<OtlpProtocol, string>> = {
  grpc: 'OTLP/gRPC',
  'http/protobuf': 'OTLP/HTTP (protobuf)',
};

function grpcConfig(connection: CollectorConnection) {
  return {
    ...(connection.url ? { url: connection.url } : {}),
    ...(connection.tls ? { credentials: connection.tls.credentials() } : {}),
  };
}

function httpConfig(connection: CollectorConnection, signal: Signal) {
  const tls = connection.tls;
  return {
    ...(connection.url ? { url: `${connection.url.replace(/\/+$/, '')}/v1/${signal}` } : {}),
    ...(tls ? { httpAgentOptions: () => tls.httpsAgent() } : {}),
  };
}

export function metricExporter(
  connection: CollectorConnection,
  protocol: OtlpProtocol,
): PushMetricExporter {
  return protocol === 'grpc'
    ? new GrpcMetricExporter(grpcConfig(connection))
    : new ProtobufMetricExporter(httpConfig(connection, 'metrics'));
}

export function spanExporter(
  connection: CollectorConnection,
  protocol: OtlpProtocol,
): SpanExporter {
  return protocol === 'grpc'
    ? new GrpcTraceExporter(grpcConfig(connection))
    : new ProtobufTraceExporter(httpConfig(connection, 'traces'));
}
