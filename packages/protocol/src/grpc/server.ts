import type {
  Server,
  UntypedServiceImplementation,
  handleServerStreamingCall,
  handleUnaryCall,
} from '@grpc/grpc-js';
import type { RequestOf, ResponseOf } from './clients.js';
import type { PreEncoded } from './method.js';

/**
 * Handlers for every method of a service definition, typed from the definition: unary methods
 * get `handleUnaryCall`, streaming methods `handleServerStreamingCall`; streaming handlers may
 * write {@link PreEncoded} bytes.
 */
export type ServiceImplementation<S> = {
  [K in keyof S]: S[K] extends { readonly responseStream: true }
    ? handleServerStreamingCall<RequestOf<S[K]>, ResponseOf<S[K]> | PreEncoded>
    : handleUnaryCall<RequestOf<S[K]>, ResponseOf<S[K]>>;
};

/** `server.addService` with handlers checked against the definition. */
export function addService<S extends object>(
  server: Server,
  definition: S,
  implementation: ServiceImplementation<S>,
): void {
  server.addService(
    definition as unknown as Parameters<Server['addService']>[0],
    implementation as unknown as UntypedServiceImplementation,
  );
}
