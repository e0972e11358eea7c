import {
  ReportUsageRequestSchema,
  ReportUsageResponseSchema,
} from '../gen/switchyard/usage/v1/usage_pb.js';
import { defineMethod } from './method.js';

const service = 'switchyard.usage.v1.UsageService';

/**
 * grpc-js definition of `switchyard.usage.v1.UsageService` (client and server): evaluation
 * counts a provider reports to the daemon it syncs from. A Switchyard extension, not flagd's.
 */
export const UsageServiceDefinition = {
  reportUsage: defineMethod({
    service,
    name: 'ReportUsage',
    input: ReportUsageRequestSchema,
    output: ReportUsageResponseSchema,
    serverStreaming: false,
  }),
} as const;
