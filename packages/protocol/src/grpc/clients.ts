import { makeGenericClientConstructor } from '@grpc/grpc-js';
import type {
  CallOptions,
  ChannelCredentials,
  Client,
  ClientOptions,
  ClientReadableStream,
  ClientUnaryCall,
  Metadata,
  MethodDefinition,
  ServiceError,
} from '@grpc/grpc-js';
import { EvaluationV1ServiceDefinition } from './evaluation-v1-service.js';
import { EvaluationV2ServiceDefinition } from './evaluation-v2-service.js';
import type { PreEncoded } from './method.js';
import { FlagSyncServiceDefinition } from './sync-service.js';
import { UsageServiceDefinition } from './usage-service.js';

/** The request message type of a method definition. */
export type RequestOf<M> = M extends MethodDefinition<infer I, infer _O> ? I : never;
/** The response message type of a method definition (never the pre-encoded form). */
export type ResponseOf<M> =
  M extends MethodDefinition<infer _I, infer O> ? Exclude<O, PreEncoded> : never;

export type UnaryClientMethod<M> = (
  request: RequestOf<M>,
  metadata: Metadata,
  options: Partial<CallOptions>,
  callback: (error: ServiceError | null, response?: ResponseOf<M>) => void,
) => ClientUnaryCall;

export type StreamClientMethod<M> = (
  request: RequestOf<M>,
  metadata?: Metadata,
  options?: Partial<CallOptions>,
) => ClientReadableStream<ResponseOf<M>>;

/** A typed grpc-js client for a service definition built with `defineMethod`. */
export type TypedClient<S> = Client & {
  [K in keyof S]: S[K] extends { readonly responseStream: true }
    ? StreamClientMethod<S[K]>
    : UnaryClientMethod<S[K]>;
};

export type TypedClientConstructor<S> = new (
  address: string,
  credentials: ChannelCredentials,
  options?: ClientOptions,
) => TypedClient<S>;

function clientFor<S extends object>(definition: S, name: string): TypedClientConstructor<S> {
  // grpc-js types the definition loosely; our method objects are exact MethodDefinitions.
  return makeGenericClientConstructor(
    definition as unknown as Parameters<typeof makeGenericClientConstructor>[0],
    name,
  ) as unknown as TypedClientConstructor<S>;
}

/** Client for `flagd.sync.v1.FlagSyncService`. */
export const FlagSyncServiceClient = clientFor(FlagSyncServiceDefinition, 'FlagSyncService');
/** Client for `flagd.evaluation.v1.Service`. */
export const EvaluationV1ServiceClient = clientFor(EvaluationV1ServiceDefinition, 'Service');
/** Client for `flagd.evaluation.v2.Service`. */
export const EvaluationV2ServiceClient = clientFor(EvaluationV2ServiceDefinition, 'Service');
/** Client for `switchyard.usage.v1.UsageService` (a Switchyard extension). */
export const UsageServiceClient = clientFor(UsageServiceDefinition, 'UsageService');
