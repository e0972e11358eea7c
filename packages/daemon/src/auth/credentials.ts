// Reading a request's credentials, per transport: the `authorization` header (HTTP) or metadata
// (gRPC), and the client certificate TLS verified against --client-ca-path. The decision is
// access-policy.ts's.
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Metadata } from '@grpc/grpc-js';
import { metadataValue } from '../grpc-metadata.js';
import type { CertificateSubject, Credentials } from './access-policy.js';

/** What a grpc-js server call offers (unary and streaming calls alike). */
export interface GrpcCallLike {
  readonly metadata: Metadata;
  getAuthContext(): { readonly sslPeerCertificate?: { readonly subject?: object } | undefined };
}

export function grpcCredentials(call: GrpcCallLike): Credentials {
  return {
    authorization: metadataValue(call.metadata, 'authorization'),
    subject: () =>
      call.getAuthContext().sslPeerCertificate?.subject as CertificateSubject | undefined,
  };
}

/** The subject of a TLS socket's verified peer certificate. */
export function socketSubject(socket: unknown): CertificateSubject | undefined {
  const tls = socket as Partial<TLSSocket> | undefined;
  if (tls?.authorized !== true || typeof tls.getPeerCertificate !== 'function') return undefined;
  const subject = tls.getPeerCertificate().subject as CertificateSubject | undefined;
  return subject;
}

export function httpCredentials(request: IncomingMessage): Credentials {
  const header = request.headers.authorization;
  return {
    authorization: header,
    connection: request.socket,
    subject: () => socketSubject(request.socket),
  };
}
