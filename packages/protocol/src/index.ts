// Generated messages, one namespace per flagd package (v1 and v2 share message names).
export * as syncV1 from './gen/flagd/sync/v1/sync_pb.js';
export * as evaluationV1 from './gen/flagd/evaluation/v1/evaluation_pb.js';
export * as evaluationV2 from './gen/flagd/evaluation/v2/evaluation_pb.js';
/** grpc.health.v1 (the standard gRPC health checking protocol; flagd serves it on 8014). */
export * as healthV1 from './gen/grpc/health/v1/health_pb.js';
/** Switchyard's own extension: usage reports from providers (not part of flagd's contracts). */
export * as usageV1 from './gen/switchyard/usage/v1/usage_pb.js';

// The sync messages are what most users need; they are also exported by name.
export {
  FetchAllFlagsRequestSchema,
  FetchAllFlagsResponseSchema,
  GetMetadataRequestSchema,
  GetMetadataResponseSchema,
  SyncFlagsRequestSchema,
  SyncFlagsResponseSchema,
} from './gen/flagd/sync/v1/sync_pb.js';
export type {
  FetchAllFlagsRequest,
  FetchAllFlagsResponse,
  GetMetadataRequest,
  GetMetadataResponse,
  SyncFlagsRequest,
  SyncFlagsResponse,
} from './gen/flagd/sync/v1/sync_pb.js';

// grpc-js service definitions and clients.
export { FlagSyncServiceDefinition } from './grpc/sync-service.js';
export { EvaluationV1ServiceDefinition } from './grpc/evaluation-v1-service.js';
export { EvaluationV2ServiceDefinition } from './grpc/evaluation-v2-service.js';
export { UsageServiceDefinition } from './grpc/usage-service.js';
export {
  EvaluationV1ServiceClient,
  EvaluationV2ServiceClient,
  FlagSyncServiceClient,
  UsageServiceClient,
} from './grpc/clients.js';
export type {
  RequestOf,
  ResponseOf,
  StreamClientMethod,
  TypedClient,
  TypedClientConstructor,
  UnaryClientMethod,
} from './grpc/clients.js';
export { defineMethod, encode, preEncoded } from './grpc/method.js';
export type { PreEncoded, TypedMethodDefinition } from './grpc/method.js';
export { addService } from './grpc/server.js';
export { evaluationServiceWithContextBytes } from './context-bytes.js';
export type { ServiceImplementation } from './grpc/server.js';

/** gRPC metadata key that carries a flag selector (flagd convention; case-insensitive). */
export const SELECTOR_METADATA_KEY = 'flagd-selector';
