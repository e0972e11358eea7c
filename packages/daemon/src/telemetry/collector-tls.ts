// TLS to the OpenTelemetry collector from flagd's --otel-cert-path, --otel-key-path and
// --otel-ca-path, re-read from disk every --otel-reload-interval (flagd: "how long between
// reloading the otel tls certificate from disk", default 1h; open-feature/flagd:
// flagd/cmd/start.go, core/pkg/certreloader/certreloader.go), so a certificate rotated on disk
// (cert-manager, a mounted Secret) is used without a restart.
//
// The files are read at start (an unreadable or mismatched file fails the start, naming the
// option and the file), then on every interval; a read that fails or does not make a usable
// pair keeps the last good files and is logged. The certificates reach grpc-js as a
// CertificateProvider: every new connection to the collector is made with the newest ones
// (connections already open keep theirs until they are re-established). Without --otel-ca-path
// the collector is verified against the system's root certificates.
import { readFile } from 'node:fs/promises';
import { Agent } from 'node:https';
import type { AgentOptions } from 'node:https';
import type { Socket } from 'node:net';
import { createSecureContext, rootCertificates } from 'node:tls';
import type { ConnectionOptions } from 'node:tls';
import { experimental } from '@grpc/grpc-js';
import type { ChannelCredentials } from '@grpc/grpc-js';
import { StartupError } from '../errors/startup-error.js';
import type { Logger } from '../logger.js';

type CaListener = experimental.CaCertificateUpdateListener;
type IdentityListener = experimental.IdentityCertificateUpdateListener;

export interface CollectorTlsOptions {
  readonly certPath?: string | undefined;
  readonly keyPath?: string | undefined;
  readonly caPath?: string | undefined;
  /** Milliseconds between reads of the files; 0: read once (flagd: an interval of 0). */
  readonly reloadIntervalMs: number;
}

interface Files {
  readonly ca: Buffer;
  readonly identity: { readonly certificate: Buffer; readonly privateKey: Buffer } | null;
}

const SYSTEM_ROOTS = Buffer.from(rootCertificates.join('\n'));

async function read(path: string | undefined, option: string): Promise<Buffer | undefined> {
  if (path === undefined) return undefined;
  try {
    return await readFile(path);
  } catch (error) {
    throw new StartupError(`${option} ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/** Reads the files and checks they make a TLS context (a key that fits its certificate). */
async function readFiles(options: CollectorTlsOptions): Promise<Files> {
  const [certificate, privateKey, ca] = await Promise.all([
    read(options.certPath, '--otel-cert-path'),
    read(options.keyPath, '--otel-key-path'),
    read(options.caPath, '--otel-ca-path'),
  ]);
  const identity =
    certificate !== undefined && privateKey !== undefined ? { certificate, privateKey } : null;
  try {
    createSecureContext({
      ca: ca ?? SYSTEM_ROOTS,
      ...(identity ? { cert: identity.certificate, key: identity.privateKey } : {}),
    });
  } catch (error) {
    const files = [options.certPath, options.keyPath, options.caPath].filter(Boolean).join(', ');
    throw new StartupError(
      `--otel-cert-path/--otel-key-path/--otel-ca-path (${files}): ${(error as Error).message}`,
      { cause: error },
    );
  }
  return { ca: ca ?? SYSTEM_ROOTS, identity };
}

const same = (a: Files, b: Files) =>
  a.ca.equals(b.ca) &&
  (a.identity === null
    ? b.identity === null
    : b.identity !== null &&
      a.identity.certificate.equals(b.identity.certificate) &&
      a.identity.privateKey.equals(b.identity.privateKey));

/** The collector's TLS files, re-read every interval; one per daemon. */
export class CollectorTls implements experimental.CertificateProvider {
  private readonly caListeners = new Set<CaListener>();
  private readonly identityListeners = new Set<IdentityListener>();
  private readonly timer: NodeJS.Timeout | undefined;
  private reloading = false;
  private failing = false;

  private constructor(
    private files: Files,
    private readonly options: CollectorTlsOptions,
    private readonly logger: Logger,
  ) {
    if (options.reloadIntervalMs > 0) {
      this.timer = setInterval(() => void this.reload(), options.reloadIntervalMs);
      this.timer.unref();
    }
  }

  /** undefined when no TLS file is named (the URL scheme and the OTEL_* variables decide). */
  static async start(
    options: CollectorTlsOptions,
    logger: Logger,
  ): Promise<CollectorTls | undefined> {
    const { certPath, keyPath, caPath } = options;
    if (!certPath && !keyPath && !caPath) return undefined;
    if (Boolean(certPath) !== Boolean(keyPath)) {
      throw new StartupError('--otel-cert-path and --otel-key-path go together');
    }
    return new CollectorTls(await readFiles(options), options, logger);
  }

  /** grpc-js credentials that connect with the newest files. */
  credentials(): ChannelCredentials {
    return experimental.createCertificateProviderChannelCredentials(
      this,
      this.files.identity === null ? null : this,
    );
  }

  /** An HTTPS agent (OTLP over HTTP) whose every new connection uses the newest files. */
  httpsAgent(): Agent {
    return new ReloadingAgent(this, { keepAlive: true });
  }

  /** The newest files as node:tls options. */
  tlsOptions(): ConnectionOptions {
    const { ca, identity } = this.files;
    return identity ? { ca, cert: identity.certificate, key: identity.privateKey } : { ca };
  }

  /** Reads the files again; listeners hear of them when they changed. */
  async reload(): Promise<void> {
    if (this.reloading) return;
    this.reloading = true;
    try {
      const files = await readFiles(this.options);
      if (this.failing) this.logger.info('OTLP collector TLS files read again');
      this.failing = false;
      if (same(files, this.files)) return;
      this.files = files;
      for (const listener of this.caListeners) listener({ caCertificate: files.ca });
      if (files.identity) for (const listener of this.identityListeners) listener(files.identity);
      this.logger.info('OTLP collector TLS files changed; new connections use them');
    } catch (error) {
      if (!this.failing) {
        this.logger.warn(
          { err: error },
          'OTLP collector TLS files could not be read again; the last good ones stay in use',
        );
      }
      this.failing = true;
    } finally {
      this.reloading = false;
    }
  }

  close(): void {
    clearInterval(this.timer);
  }

  addCaCertificateListener(listener: CaListener): void {
    this.caListeners.add(listener);
    process.nextTick(listener, { caCertificate: this.files.ca });
  }

  removeCaCertificateListener(listener: CaListener): void {
    this.caListeners.delete(listener);
  }

  addIdentityCertificateListener(listener: IdentityListener): void {
    this.identityListeners.add(listener);
    process.nextTick(listener, this.files.identity);
  }

  removeIdentityCertificateListener(listener: IdentityListener): void {
    this.identityListeners.delete(listener);
  }
}

/** node:https's agent, with the collector's newest TLS files on every connection it makes. */
class ReloadingAgent extends Agent {
  constructor(
    private readonly tls: CollectorTls,
    options: AgentOptions,
  ) {
    super(options);
  }

  override createConnection(
    options: ConnectionOptions,
    callback?: (error: Error | null, socket: Socket) => void,
  ): Socket {
    // biome-ignore lint/suspicious/noExplicitAny: node:https's createConnection is untyped
    const create = (Agent.prototype as any).createConnection as (
      this: Agent,
      options: ConnectionOptions,
      callback?: (error: Error | null, socket: Socket) => void,
    ) => Socket;
    return create.call(this, { ...options, ...this.tls.tlsOptions() }, callback);
  }
}
