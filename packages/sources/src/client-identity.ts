// A client certificate and key (PEM) for mTLS, shared by the grpc and http sources and the
// provider: `clientCertPath` and `clientKeyPath` (Switchyard extension; flagd's sources only
// take a CA, `certPath`). Both or neither; a file that cannot be read is an error, never a
// silent connection without the identity.
import { readFileSync } from 'node:fs';
import { UsageError } from '@switchyard/core';

export interface ClientIdentityPaths {
  /** The client certificate chain (PEM). */
  readonly clientCertPath?: string | undefined;
  /** Its private key (PEM). */
  readonly clientKeyPath?: string | undefined;
}

export interface ClientIdentity {
  readonly cert: Buffer;
  readonly key: Buffer;
}

/** The identity the paths name, or undefined when they name none. */
export function readClientIdentity(paths: ClientIdentityPaths): ClientIdentity | undefined {
  const { clientCertPath, clientKeyPath } = paths;
  if (!clientCertPath && !clientKeyPath) return undefined;
  if (!clientCertPath || !clientKeyPath)
    throw new UsageError('a client certificate needs both clientCertPath and clientKeyPath');
  const read = (field: string, path: string) => {
    try {
      return readFileSync(path);
    } catch (error) {
      throw new UsageError(`${field}: cannot read ${path}: ${(error as Error).message}`);
    }
  };
  return {
    cert: read('clientCertPath', clientCertPath),
    key: read('clientKeyPath', clientKeyPath),
  };
}
