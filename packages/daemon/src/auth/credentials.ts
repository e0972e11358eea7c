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

/** An HTTP request's credentials: one object per request, read on every request (OFREP). */
class HttpCredentials implements Credentials {
  readonly authorization: string | undefined;
  readonly connection: IncomingMessage['socket'];

  constructor(request: IncomingMessage) {
    this.authorization = request.headers.authorization;
    this.connection = request.socket;
  }

  subject(): CertificateSubject | undefined {
    return socketSubject(this.connection);
  }
}

export const httpCredentials = (request: IncomingMessage): Credentials =>
  new HttpCredentials(request);
