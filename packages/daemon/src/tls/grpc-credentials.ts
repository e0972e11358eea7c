// grpc-js server credentials that follow ServerTls: the certificate, key and client CA in force
// are pushed to every server bound with them when ServerTls reloads (grpc-js calls
// setSecureContext on its HTTP/2 servers for each update: the watcher mechanism of its own
// certificate-provider credentials). With --client-ca-path, a client must present a certificate
// signed by that CA (the handshake fails otherwise).
import { ServerCredentials } from '@grpc/grpc-js';
import type { ServerTls } from './server-tls.js';

// Cipher suites are node's defaults (TLS 1.2+ is enforced by minVersion).
class ReloadingServerCredentials extends ServerCredentials {
  private readonly unsubscribe: () => void;

  constructor(tls: ServerTls) {
    super(
      {
        requestCert: tls.verifiesClients,
        rejectUnauthorized: tls.verifiesClients,
        minVersion: 'TLSv1.2',
      },
      tls.contextOptions(),
    );
    this.unsubscribe = tls.subscribe(() => this.updateSecureContextOptions(tls.contextOptions()));
  }

  _equals(other: ServerCredentials): boolean {
    return other === this;
  }

  /** Stops following reloads (when the server closes). */
  detach(): void {
    this.unsubscribe();
  }
}

export function grpcServerCredentials(tls: ServerTls | undefined): ServerCredentials {
  return tls === undefined
    ? ServerCredentials.createInsecure()
    : new ReloadingServerCredentials(tls);
}
