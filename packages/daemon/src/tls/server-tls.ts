// The daemon's server TLS: --server-cert-path/--server-key-path (-c/-k) on every port, and
// --client-ca-path to verify client certificates (mTLS). flagd serves TLS 1.2+ on its
// evaluation and sync ports only (https://flagd.dev/reference/flagd-cli/flagd_start/); here one
// pair secures all four, so flag data never travels in clear once a certificate is given.
//
// The three files are watched (WatchedFile of @switchyard/sources) and read again when any of
// them changes — a cert-manager renewal, a Kubernetes Secret swap. The new set is checked as a
// whole (the key must match the certificate, the CA must parse) before it is put in force on
// every server; a set that does not check out (a renewal caught half-written) leaves the last
// good one serving, is logged and counted, and is tried again on the next change.
import { readFileSync } from 'node:fs';
import type { SecureContextOptions, TlsOptions } from 'node:tls';
import { createSecureContext } from 'node:tls';
import { WatchedFile } from '@switchyard/sources';
import { StartupError } from '../errors/startup-error.js';
import type { Logger } from '../logger.js';
import type { DaemonMetrics } from '../metrics.js';

/** The daemon's TCP ports, as --tls-ports names them. */
export const TLS_PORTS = ['evaluation', 'sync', 'ofrep', 'management'] as const;
export type TlsPort = (typeof TLS_PORTS)[number];
/** flagd's: -c/-k secure the evaluation and sync ports (flagd/pkg/runtime/from_config.go). */
export const DEFAULT_TLS_PORTS: readonly TlsPort[] = ['evaluation', 'sync'];

export interface ServerTlsPaths {
  readonly certPath?: string | undefined;
  readonly keyPath?: string | undefined;
  /** Client certificates must be signed by this CA (PEM); undefined: no client certificates. */
  readonly clientCaPath?: string | undefined;
}

export interface ServerTlsOptions extends ServerTlsPaths {
  readonly logger: Logger;
  readonly metrics: DaemonMetrics;
  /** Backup stat poll of the files (ms, default 1000). */
  readonly pollMs?: number;
}

/** The files' contents at one moment: what a TLS server is configured with. */
export interface TlsMaterial {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly ca: Buffer | undefined;
}

const MAX_PEM_BYTES = 1_000_000;

function checked(material: TlsMaterial): TlsMaterial {
  // Throws for a key that does not match the certificate, or a PEM that does not parse.
  createSecureContext({ cert: material.cert, key: material.key, ca: material.ca });
  return material;
}

function readMaterial(paths: {
  readonly certPath: string;
  readonly keyPath: string;
  readonly clientCaPath: string | undefined;
}) {
  return checked({
    cert: readFileSync(paths.certPath),
    key: readFileSync(paths.keyPath),
    ca: paths.clientCaPath === undefined ? undefined : readFileSync(paths.clientCaPath),
  });
}

export class ServerTls {
  private current: TlsMaterial;
  private readonly files: WatchedFile[];
  private readonly listeners = new Set<(material: TlsMaterial) => void>();
  private readonly paths: { certPath: string; keyPath: string; clientCaPath: string | undefined };

  /** Reads and checks the files; throws a StartupError naming what is wrong. */
  private constructor(private readonly options: ServerTlsOptions) {
    this.paths = {
      certPath: options.certPath!,
      keyPath: options.keyPath!,
      clientCaPath: options.clientCaPath,
    };
    try {
      this.current = readMaterial(this.paths);
    } catch (error) {
      throw new StartupError(
        `cannot load the TLS certificate, key or client CA: ${(error as Error).message}`,
        { cause: error },
      );
    }
    const watched = [this.paths.certPath, this.paths.keyPath, this.paths.clientCaPath];
    this.files = watched.flatMap((path) =>
      path === undefined
        ? []
        : [
            new WatchedFile({
              path,
              maxBytes: MAX_PEM_BYTES,
              pollMs: options.pollMs ?? 1000,
              onChange: () => this.reload(),
            }),
          ],
    );
  }

  /**
   * TLS of the daemon's servers, or undefined for plaintext. --client-ca-path without a server
   * certificate, or half a pair, is a StartupError.
   */
  static open(options: ServerTlsOptions): ServerTls | undefined {
    const { certPath, keyPath, clientCaPath } = options;
    if (!certPath && !keyPath) {
      if (clientCaPath)
        throw new StartupError(
          '--client-ca-path needs --server-cert-path and --server-key-path (client certificates are verified over TLS)',
        );
      return undefined;
    }
    if (!certPath || !keyPath)
      throw new StartupError('TLS needs both --server-cert-path and --server-key-path');
    return new ServerTls(options);
  }

  get material(): TlsMaterial {
    return this.current;
  }

  /** Whether client certificates are verified (--client-ca-path). */
  get verifiesClients(): boolean {
    return this.current.ca !== undefined;
  }

  /**
   * Options of a node:tls/https server. `requireClientCertificate`: refuse a handshake without
   * a valid client certificate (the gRPC and OFREP ports); false still asks for one and
   * verifies it, but lets the handshake finish without (the management port, whose probes are
   * served to a kubelet that has none).
   */
  serverOptions(requireClientCertificate: boolean): TlsOptions {
    return {
      ...this.contextOptions(),
      minVersion: 'TLSv1.2',
      requestCert: this.verifiesClients,
      rejectUnauthorized: this.verifiesClients && requireClientCertificate,
    };
  }

  /** The secure context of the current material (for setSecureContext after a reload). */
  contextOptions(): SecureContextOptions {
    const { cert, key, ca } = this.current;
    return { cert, key, ...(ca === undefined ? {} : { ca }) };
  }

  /** Called with the new material after each reload that put it in force. */
  subscribe(listener: (material: TlsMaterial) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    for (const file of this.files) file.close();
    this.listeners.clear();
  }

  private reload(): void {
    const { logger, metrics } = this.options;
    try {
      this.current = readMaterial(this.paths);
    } catch (error) {
      metrics.tlsReloads.add(1, { result: 'rejected' });
      logger.error(
        `TLS files ${this.paths.certPath}, ${this.paths.keyPath}${this.paths.clientCaPath ? `, ${this.paths.clientCaPath}` : ''}: ${(error as Error).message}; the last good certificate stays in force`,
      );
      return;
    }
    metrics.tlsReloads.add(1, { result: 'applied' });
    logger.info(`TLS certificate reloaded from ${this.paths.certPath}`);
    for (const listener of this.listeners) listener(this.current);
  }
}
