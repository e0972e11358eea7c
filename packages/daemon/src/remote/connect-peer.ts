// The client certificate of a Connect or gRPC-Web call, carried from the connection to the
// handler as a Connect context value (the router's handlers see headers, not sockets), so that
// --auth-config can match it (evaluation-service.ts `served`).
import { createContextKey, createContextValues } from '@connectrpc/connect';
import type { ContextValues, HandlerContext } from '@connectrpc/connect';
import type { CertificateSubject } from '../auth/access-policy.js';
import { socketSubject } from '../auth/credentials.js';

const PEER_CERTIFICATE = createContextKey<(() => CertificateSubject | undefined) | undefined>(
  undefined,
  { description: 'the verified client certificate of the connection' },
);

/** Context values of a call on `socket` (read lazily: most calls never need it). */
export function peerValues(socket: unknown): ContextValues {
  const values = createContextValues();
  values.set(PEER_CERTIFICATE, () => socketSubject(socket));
  return values;
}

/** The certificate reader peerValues put in the call's context. */
export function peerCertificate(context: HandlerContext): () => CertificateSubject | undefined {
  const read = context.values.get(PEER_CERTIFICATE);
  return () => read?.();
}
