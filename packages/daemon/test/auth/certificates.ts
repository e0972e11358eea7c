// Certificates for the TLS tests, minted with openssl into a temp dir: a CA, server certificates
// for localhost/127.0.0.1 signed by it, client certificates signed by it (CN=edge-1) and one
// signed by a CA the daemon does not trust.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Pki {
  readonly dir: string;
  readonly caPath: string;
  readonly ca: Buffer;
  /** Mints a certificate signed by the CA (or by an untrusted one); returns its paths. */
  issue(
    name: string,
    options: { cn: string; server?: boolean; untrusted?: boolean },
  ): { certPath: string; keyPath: string; cert: Buffer; key: Buffer };
}

export function mintPki(): Pki {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-pki-'));
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ca = (name: string) =>
    run(
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.crt`,
    );
  ca('trusted-ca');
  ca('rogue-ca');
  let serial = 1;
  return {
    dir,
    caPath: join(dir, 'trusted-ca.crt'),
    ca: readFileSync(join(dir, 'trusted-ca.crt')),
    issue(name, { cn, server = false, untrusted = false }) {
      const signer = untrusted ? 'rogue-ca' : 'trusted-ca';
      run(
        'req',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-subj',
        `/CN=${cn}/O=switchyard-test`,
        '-keyout',
        `${name}.key`,
        '-out',
        `${name}.csr`,
      );
      writeFileSync(
        join(dir, `${name}.ext`),
        server
          ? 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n'
          : 'extendedKeyUsage=clientAuth\n',
      );
      run(
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        `${signer}.crt`,
        '-CAkey',
        `${signer}.key`,
        '-set_serial',
        String(serial++),
        '-days',
        '2',
        '-extfile',
        `${name}.ext`,
        '-out',
        `${name}.crt`,
      );
      const certPath = join(dir, `${name}.crt`);
      const keyPath = join(dir, `${name}.key`);
      return { certPath, keyPath, cert: readFileSync(certPath), key: readFileSync(keyPath) };
    },
  };
}
