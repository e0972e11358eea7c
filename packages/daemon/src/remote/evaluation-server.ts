// The grpc-js server of flagd.evaluation.v1 and v2 on --port (or --socket-path), plain or TLS
// (flagd serves TLS on 8013 and 8015 with the same --server-cert-path/--server-key-path).
import { readFile } from 'node:fs/promises';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import type { ChannelOptions } from '@grpc/grpc-js';
import {
  EvaluationV1ServiceDefinition,
  EvaluationV2ServiceDefinition,
  addService,
} from '@switchyard/protocol';
import { StartupError } from '../errors.js';
import { SYNC_SERVER_OPTIONS } from '../sync/sync-server.js';
import type { EvaluationService } from './evaluation-service.js';

export interface EvaluationServerOptions {
  readonly host: string;
  readonly port: number;
  readonly socketPath?: string | undefined;
  readonly certPath?: string | undefined;
  readonly keyPath?: string | undefined;
  /** `--max-request-body`: the largest request message accepted (RESOURCE_EXHAUSTED above). */
  readonly maxRequestBody: number;
  /** `--max-request-header`: the largest metadata accepted. */
  readonly maxRequestHeader: number;
}

async function credentialsOf(options: EvaluationServerOptions): Promise<ServerCredentials> {
  if (!options.certPath && !options.keyPath) return ServerCredentials.createInsecure();
  if (!options.certPath || !options.keyPath)
    throw new StartupError('STARTUP: TLS needs both --server-cert-path and --server-key-path');
  try {
    const [cert, key] = await Promise.all([readFile(options.certPath), readFile(options.keyPath)]);
    return ServerCredentials.createSsl(null, [{ cert_chain: cert, private_key: key }], false);
  } catch (error) {
    throw new StartupError(
      `STARTUP: cannot load the TLS certificate or key: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

export async function startEvaluationServer(
  service: EvaluationService,
  options: EvaluationServerOptions,
): Promise<{ server: Server; port: number | undefined; address: string }> {
  // The same keepalive policy as the sync server: official providers ping every few seconds.
  const channelOptions: ChannelOptions = {
    ...SYNC_SERVER_OPTIONS,
    'grpc.max_receive_message_length': options.maxRequestBody,
    'grpc.max_metadata_size': options.maxRequestHeader,
  };
  const server = new Server(channelOptions);
  addService(server, EvaluationV1ServiceDefinition, service.v1());
  addService(server, EvaluationV2ServiceDefinition, service.v2());
  const credentials = await credentialsOf(options);
  const address = options.socketPath
    ? `unix:${options.socketPath}`
    : `${options.host}:${options.port}`;
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(address, credentials, (error, bound) => {
      if (error)
        reject(
          new StartupError(`STARTUP: cannot listen on ${address}: ${error.message}`, {
            cause: error,
          }),
        );
      else resolve(bound);
    });
  });
  return {
    server,
    port: options.socketPath ? undefined : port,
    address: options.socketPath ? address : `${options.host}:${port}`,
  };
}
