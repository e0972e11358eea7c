// The flagd.evaluation service definitions the grpc-js side of the evaluation port serves: the
// protocol package's, with requests decoded within the context limits (struct-decoder.ts)
// instead of by protobuf-es. A refused context reaches the EvaluationService as the request's
// context (a ContextError), which answers INVALID_ARGUMENT: a deserializer that throws makes
// grpc-js answer INTERNAL, and protobuf-es would first spend work in proportion to the request.
import { EvaluationV1ServiceDefinition, EvaluationV2ServiceDefinition } from '@switchyard/protocol';
import { isContextError } from './context-limits.js';
import type { ContextLimits } from './context-limits.js';
import type { ResolveRequest } from './evaluation-service.js';
import { decodeEvaluationRequest } from './struct-decoder.js';

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
      requestDeserialize: (bytes: Buffer): ResolveRequest => {
        const decoded = decodeEvaluationRequest(bytes, { contextField, limits });
        return isContextError(decoded)
          ? { flagKey: '', context: decoded, bytes: bytes.length }
          : { ...decoded, bytes: bytes.length };
      },
    };
  }
  return methods as S;
}

/** flagd.evaluation v1 and v2 with requests decoded within `limits`. */
export function limitedDefinitions(limits: ContextLimits): {
  readonly v1: typeof EvaluationV1ServiceDefinition;
  readonly v2: typeof EvaluationV2ServiceDefinition;
} {
  return {
    v1: limited(EvaluationV1ServiceDefinition, limits),
    v2: limited(EvaluationV2ServiceDefinition, limits),
  };
}
