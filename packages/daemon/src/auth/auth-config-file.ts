// --auth-config as a watched file: read and validated at start (a file that does not validate
// stops the start, exit 2), then reloaded whenever it changes (the file source's watching:
// WatchedFile of @switchyard/sources). A reload that validates is in force for the next request
// and for every open stream (listeners re-check them); one that does not — invalid, missing,
// unreadable — leaves the last good configuration in force and is reported: an error log naming
// the file and JSON path, switchyard_auth_config_valid 0, and a rejected reload counted. So an
// edit never opens access and never locks everyone out silently.
import { WatchedFile } from '@switchyard/sources';
import type { WatchedContent } from '@switchyard/sources';
import { AuthConfigError } from '../errors/auth-config-error.js';
import type { Logger } from '../logger.js';
import type { DaemonMetrics } from '../metrics.js';
import { AccessPolicy } from './access-policy.js';
import { MAX_AUTH_CONFIG_BYTES, parseAuthConfig } from './auth-config.js';
import type { AuthConfig } from './auth-config.js';

export interface AuthConfigFileOptions {
  /** Absolute path. */
  readonly path: string;
  readonly logger: Logger;
  readonly metrics: DaemonMetrics;
  /** Backup stat poll (ms, default 1000: a lost event must not keep a revoked token working). */
  readonly pollMs?: number;
}

function configOf(path: string, content: WatchedContent): AuthConfig {
  if (!content.ok) throw new AuthConfigError(`${path}: ${content.reason}`);
  return parseAuthConfig(path, content.bytes.toString('utf8'));
}

function summary(config: AuthConfig): string {
  const n = config.clients.length;
  return n === 0
    ? `auth config ${config.path}: no clients — every request for flags is refused`
    : `auth config ${config.path}: ${n} client${n === 1 ? '' : 's'}`;
}

export class AuthConfigFile {
  readonly policy: AccessPolicy;
  private readonly file: WatchedFile;
  private readonly listeners = new Set<() => void>();

  /** Reads the file; throws an AuthConfigError when it does not validate. */
  constructor(private readonly options: AuthConfigFileOptions) {
    const { path, logger, metrics } = options;
    this.file = new WatchedFile({
      path,
      maxBytes: MAX_AUTH_CONFIG_BYTES,
      pollMs: options.pollMs ?? 1000,
      onChange: (content) => this.reload(content),
    });
    try {
      const config = configOf(path, this.file.content);
      this.policy = new AccessPolicy(config, { metrics, logger });
      metrics.authConfigValid.set(1);
      logger.info(summary(config));
      if (config.clients.length === 0) logger.warn(summary(config));
    } catch (error) {
      this.file.close();
      throw error;
    }
  }

  /** Called after a reload that put a new configuration in force. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.file.close();
    this.listeners.clear();
  }

  private reload(content: WatchedContent): void {
    const { path, logger, metrics } = this.options;
    let config: AuthConfig;
    try {
      config = configOf(path, content);
    } catch (error) {
      if (!(error instanceof AuthConfigError)) throw error;
      metrics.authConfigReloads.add(1, { result: 'rejected' });
      metrics.authConfigValid.set(0);
      logger.error(`${error.message}\nthe last good auth config stays in force`);
      return;
    }
    this.policy.replace(config);
    metrics.authConfigReloads.add(1, { result: 'applied' });
    metrics.authConfigValid.set(1);
    const text = `reloaded ${summary(config)}`;
    if (config.clients.length === 0) logger.warn(text);
    else logger.info(text);
    for (const listener of this.listeners) listener();
  }
}
