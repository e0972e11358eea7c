import {
  FetchAllFlagsRequestSchema,
  FetchAllFlagsResponseSchema,
  GetMetadataRequestSchema,
  GetMetadataResponseSchema,
  SyncFlagsRequestSchema,
  SyncFlagsResponseSchema,
} from '../gen/flagd/sync/v1/sync_pb.js';
import { defineMethod } from './method.js';

const service = 'flagd.sync.v1.FlagSyncService';

/** grpc-js definition of `flagd.sync.v1.FlagSyncService` (client and server). */
export const FlagSyncServiceDefinition = {
  syncFlags: defineMethod({
    service,
    name: 'SyncFlags',
    input: SyncFlagsRequestSchema,
    output: SyncFlagsResponseSchema,
    serverStreaming: true,
  }),
  fetchAllFlags: defineMethod({
    service,
    name: 'FetchAllFlags',
    input: FetchAllFlagsRequestSchema,
    output: FetchAllFlagsResponseSchema,
    serverStreaming: false,
  }),
  getMetadata: defineMethod({
    service,
    name: 'GetMetadata',
    input: GetMetadataRequestSchema,
    output: GetMetadataResponseSchema,
    serverStreaming: false,
  }),
} as const;
