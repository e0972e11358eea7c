import { makeGenericClientConstructor } from '@grpc/grpc-js';
import type {
  Client,
  ClientReadableStream,
  ClientUnaryCall,
  MethodDefinition,
  ServiceError,
  CallOptions,
  Metadata,
} from '@grpc/grpc-js';
import { EvaluationV1ServiceDefinition } from './evaluation-v1-service.js';
import { EvaluationV2ServiceDefinition } from './evaluation-v2-service.js';
import { FlagSyncServiceDefinition } from './sync-service.js';
import type { PreEncoded } from './method.js';

type Response<M> = M extends MethodDefinition<unknown, infer O> ? Exclude<O, PreEncoded> : never;
type Request<M> = M extends MethodDefinition<infer I, unknown> ? I : never;

type UnaryMethod<M> = (
  request: Request<M>,
  metadata: Metadata,
  options: Partial<CallOptions>,
  callback: (error: ServiceError | null, response?: Response<M>) => void,
) => ClientUnaryCall;

type StreamMethod<M> = (
  request: Request<M>,
  metadata?: Metadata,
  options?: Partial<CallOptions>,
) => ClientReadableStream<Response<M>>;

/** A typed grpc-js client for a service definition built with `defineMethod`. */
export type TypedClient<S> = Client & {
  [K in keyof S]: S[K] extends { responseStream: true } ? StreamMethod<S[K]> : UnaryMethod<S[K]>;
};

type ClientConstructor<S> = new (
  address: string,
  credentials: import('@grpc/grpc-js').ChannelCredentials,
  options?: import('@grpc/grpc-js').ClientOptions,
) => TypedClient<S>;

function clientFor<S extends object>(definition: S, name: string): ClientConstructor<S> {
  // grpc-js types the definition loosely; our method objects are exact MethodDefinitions.
  return makeGenericClientConstructor(
    definition as unknown as Parameters<typeof makeGenericClientConstructor>[0],
    name,
  ) as unknown as ClientConstructor<S>;
}

/** Client for `flagd.sync.v1.FlagSyncService`. */
export const FlagSyncServiceClient = clientFor(FlagSyncServiceDefinition, 'FlagSyncService');
/** Client for `flagd.evaluation.v1.Service`. */
export const EvaluationV1ServiceClient = clientFor(EvaluationV1ServiceDefinition, 'Service');
/** Client for `flagd.evaluation.v2.Service`. */
export const EvaluationV2ServiceClient = clientFor(EvaluationV2ServiceDefinition, 'Service');
