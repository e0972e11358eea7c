// `@customCert`: a server key and certificate for `localhost`, signed by
// the testbed's committed CA (ssl/custom-ca.key, ssl/custom-root-cert.crt), minted with openssl
// into the launchpad's temp dir. Unlike the Docker image's certificate it carries
// subjectAltName=DNS:localhost, which grpc-js (Node's TLS) requires for host name checks.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ServerCertificate {
  readonly certPath: string;
  readonly keyPath: string;
  /** The CA certificate a client trusts (the provider's `certPath`). */
  readonly caPath: string;
}

export function mintServerCertificate(sslDir: string, outDir: string): ServerCertificate {
  const caKey = join(sslDir, 'custom-ca.key');
  const caPath = join(sslDir, 'custom-root-cert.crt');
  const keyPath = join(outDir, 'server-key.pem');
  const csrPath = join(outDir, 'server.csr');
  const certPath = join(outDir, 'server-cert.pem');
  const extPath = join(outDir, 'server-ext.cnf');
  writeFileSync(
    extPath,
    'subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n',
  );
  const run = (args: string[]): void => {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  };
  run([
    'req',
    '-new',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    keyPath,
    '-subj',
    '/CN=localhost',
    '-out',
    csrPath,
  ]);
  // -set_serial instead of -CAcreateserial: the CA lives in the read-only testbed.
  run([
    'x509',
    '-req',
    '-in',
    csrPath,
    '-CA',
    caPath,
    '-CAkey',
    caKey,
    '-set_serial',
    `0x${Date.now().toString(16)}`,
    '-days',
    '2',
    '-sha256',
    '-extfile',
    extPath,
    '-out',
    certPath,
  ]);
  return { certPath, keyPath, caPath };
}
