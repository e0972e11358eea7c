import {
  EventStreamRequestSchema,
  EventStreamResponseSchema,
  ResolveAllRequestSchema,
  ResolveAllResponseSchema,
  ResolveBooleanRequestSchema,
  ResolveBooleanResponseSchema,
  ResolveFloatRequestSchema,
  ResolveFloatResponseSchema,
  ResolveIntRequestSchema,
  ResolveIntResponseSchema,
  ResolveObjectRequestSchema,
  ResolveObjectResponseSchema,
  ResolveStringRequestSchema,
  ResolveStringResponseSchema,
} from '../gen/flagd/evaluation/v1/evaluation_pb.js';
import { defineMethod } from './method.js';

const service = 'flagd.evaluation.v1.Service';

/** grpc-js definition of `flagd.evaluation.v1.Service` (client and server). */
export const EvaluationV1ServiceDefinition = {
  resolveAll: defineMethod({
    service,
    name: 'ResolveAll',
    input: ResolveAllRequestSchema,
    output: ResolveAllResponseSchema,
    serverStreaming: false,
  }),
  resolveBoolean: defineMethod({
    service,
    name: 'ResolveBoolean',
    input: ResolveBooleanRequestSchema,
    output: ResolveBooleanResponseSchema,
    serverStreaming: false,
  }),
  resolveString: defineMethod({
    service,
    name: 'ResolveString',
    input: ResolveStringRequestSchema,
    output: ResolveStringResponseSchema,
    serverStreaming: false,
  }),
  resolveFloat: defineMethod({
    service,
    name: 'ResolveFloat',
    input: ResolveFloatRequestSchema,
    output: ResolveFloatResponseSchema,
    serverStreaming: false,
  }),
  resolveInt: defineMethod({
    service,
    name: 'ResolveInt',
    input: ResolveIntRequestSchema,
    output: ResolveIntResponseSchema,
    serverStreaming: false,
  }),
  resolveObject: defineMethod({
    service,
    name: 'ResolveObject',
    input: ResolveObjectRequestSchema,
    output: ResolveObjectResponseSchema,
    serverStreaming: false,
  }),
  eventStream: defineMethod({
    service,
    name: 'EventStream',
    input: EventStreamRequestSchema,
    output: EventStreamResponseSchema,
    serverStreaming: true,
  }),
} as const;
