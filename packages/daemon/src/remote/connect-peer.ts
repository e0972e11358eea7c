// The connection of a Connect or gRPC-Web call and its client certificate, carried to the
// handler as a Connect context value (the router's handlers see headers, not sockets), so that
// --auth-config can match the certificate and recognise a token the connection already
// presented (evaluation-service.ts `served`).
import { createContextKey, createContextValues } from '@connectrpc/connect';
import type { ContextValues, HandlerContext } from '@connectrpc/connect';
import type { CertificateSubject } from '../auth/access-policy.js';
import { socketSubject } from '../auth/credentials.js';

const PEER_SOCKET = createContextKey<object | undefined>(undefined, {
  description: 'the connection of the call',
});

/** Context values of a call on `socket`. */
export function peerValues(socket: object | undefined): ContextValues {
  const values = createContextValues();
  values.set(PEER_SOCKET, socket);
  return values;
}

/** The connection peerValues put in the call's context. */
export function peerConnection(context: HandlerContext): object | undefined {
  return context.values.get(PEER_SOCKET);
}

/** The verified client certificate of the call's connection (read only when needed). */
export function peerCertificate(context: HandlerContext): () => CertificateSubject | undefined {
  return () => socketSubject(peerConnection(context));
}
