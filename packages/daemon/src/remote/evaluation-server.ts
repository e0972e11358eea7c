// The grpc-js server of flagd.evaluation.v1 and v2 on --port (or --socket-path), plain or TLS
// (flagd serves TLS on 8013 and 8015 with the same --server-cert-path/--server-key-path).
import { Server } from '@grpc/grpc-js';
import type { ChannelOptions } from '@grpc/grpc-js';
import {
  EvaluationV1ServiceDefinition,
  EvaluationV2ServiceDefinition,
  addService,
} from '@switchyard/protocol';
import { listen } from '../grpc-listen.js';
import type { Bound, ListenOptions } from '../grpc-listen.js';
import { SYNC_SERVER_OPTIONS } from '../sync/sync-server.js';
import { DEFAULT_CONTEXT_LIMITS } from './context-limits.js';
import type { ContextLimits } from './context-limits.js';
import type { EvaluationService } from './evaluation-service.js';
import { decodeEvaluationRequest } from './struct-decoder.js';

export interface EvaluationServerOptions extends ListenOptions {
  /** `--max-request-body`: the largest request message accepted (RESOURCE_EXHAUSTED above). */
  readonly maxRequestBody: number;
  /** `--max-request-header`: the largest metadata accepted. */
  readonly maxRequestHeader: number;
  /** `--max-context-depth`, `--max-context-keys`. */
  readonly contextLimits?: ContextLimits;
}

/**
 * The service definition with requests decoded within the context limits (struct-decoder.ts)
 * instead of by protobuf-es: a refused context reaches the handler as its error, which answers
 * INVALID_ARGUMENT (a deserializer that throws makes grpc-js answer INTERNAL).
 */
function limited<S extends object>(definition: S, limits: ContextLimits): S {
  const methods: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(definition)) {
    const { path, responseStream } = method as { path: string; responseStream: boolean };
    if (responseStream) {
      methods[name] = method;
      continue;
    }
    // ResolveAllRequest has only the context (field 1); Resolve*Request: flag_key = 1, context = 2.
    const contextField = path.endsWith('/ResolveAll') ? 1 : 2;
    methods[name] = {
      ...(method as object),
      requestDeserialize: (bytes: Buffer) =>
        decodeEvaluationRequest(bytes, { contextField, limits }),
    };
  }
  return methods as S;
}

export async function startEvaluationServer(
  service: EvaluationService,
  options: EvaluationServerOptions,
): Promise<Bound> {
  // The same keepalive policy as the sync server: official providers ping every few seconds.
  const channelOptions: ChannelOptions = {
    ...SYNC_SERVER_OPTIONS,
    'grpc.max_receive_message_length': options.maxRequestBody,
    'grpc.max_metadata_size': options.maxRequestHeader,
  };
  const server = new Server(channelOptions);
  const limits = options.contextLimits ?? DEFAULT_CONTEXT_LIMITS;
  addService(server, limited(EvaluationV1ServiceDefinition, limits), service.v1());
  addService(server, limited(EvaluationV2ServiceDefinition, limits), service.v2());
  return listen(server, options);
}
