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
import type { EvaluationService } from './evaluation-service.js';

export interface EvaluationServerOptions extends ListenOptions {
  /** `--max-request-body`: the largest request message accepted (RESOURCE_EXHAUSTED above). */
  readonly maxRequestBody: number;
  /** `--max-request-header`: the largest metadata accepted. */
  readonly maxRequestHeader: number;
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
  addService(server, EvaluationV1ServiceDefinition, service.v1());
  addService(server, EvaluationV2ServiceDefinition, service.v2());
  return listen(server, options);
}
