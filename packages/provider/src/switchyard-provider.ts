// SwitchyardProvider: an OpenFeature server provider evaluating flagd configurations in-process
// with @switchyard/core. A drop-in for @openfeature/flagd-provider's in-process and file modes.
import {
  DefaultLogger,
  ErrorCode,
  type EvaluationContext,
  type Hook,
  type JsonValue,
  type Logger,
  OpenFeatureEventEmitter,
  type Provider,
  ProviderFatalError,
  type ResolutionDetails,
} from '@openfeature/server-sdk';
import type {
  EvaluationContext as CoreContext,
  EvaluationResult,
  FlagChanges,
  JsonObject,
} from '@switchyard/core';
import { type Engine, createEngine } from './engine.js';
import { SourceUnavailableError } from './errors/source-unavailable-error.js';
import { type CachedConfiguration, type LkgCache, createLkgCache } from './lkg-cache.js';
import type { ResolvedProviderOptions, SwitchyardProviderOptions } from './options.js';
import { resolveOptions } from './resolve-options.js';
import type { FlagSource, SourceListener, SourcePayload } from './sources/flag-source.js';
import { createFileSource } from './sources/file-source.js';
import { resolveTarget } from './sources/grpc-target.js';
import { createInlineSource } from './sources/inline-source.js';
import { createSyncSource } from './sources/sync-source.js';
import { type ProviderState, StateMachine } from './state-machine.js';

type Resolver<T> = (
  key: string,
  defaultValue: T,
  context: CoreContext | undefined,
) => EvaluationResult<T>;

export class SwitchyardProvider implements Provider {
  readonly metadata = { name: 'switchyard' } as const;
  readonly runsOn = 'server' as const;
  readonly events = new OpenFeatureEventEmitter();
  readonly hooks: Hook[] = [];
  /** The options in effect after environment variables, defaults and validation. */
  readonly options: ResolvedProviderOptions;

  private readonly logger: Logger;
  private readonly engine: Engine = createEngine();
  private readonly source: FlagSource | undefined;
  private readonly cache: LkgCache | undefined;
  private readonly machine: StateMachine;
  private syncContext: JsonObject | undefined;
  private configured = false;
  /** Epoch ms of the persisted configuration being served, until the live stream delivers. */
  private cachedSince: number | undefined;
  private cacheFile: Promise<CachedConfiguration | undefined> | undefined;
  private cacheAttempt: Promise<boolean> | undefined;
  private lastProblem: Error | undefined;
  private started = false;

  /**
   * @throws ProviderOptionError when an option or environment variable is invalid.
   */
  constructor(options: SwitchyardProviderOptions = {}, logger?: Logger) {
    this.options = resolveOptions(options);
    this.logger = logger ?? new DefaultLogger();
    this.machine = new StateMachine(this.events, this.options.retryGracePeriod * 1000);
    this.setSyncContext(undefined);
    const o = this.options;
    switch (o.resolverType) {
      case 'in-process': {
        this.source = createSyncSource(o, this.logger);
        if (o.cacheDir !== undefined) {
          const target = resolveTarget(o);
          const key = [target.address, target.authority, o.selector, o.providerId].join('\u0000');
          this.cache = createLkgCache(o.cacheDir, key, (e) =>
            this.logger.warn(`last-known-good cache: ${e.message}`),
          );
        }
        break;
      }
      case 'file':
        this.source = createFileSource(
          o.offlineFlagSourcePath!,
          o.offlinePollIntervalMs,
          this.logger,
        );
        break;
      case 'inline':
        this.source = createInlineSource(o.flagConfiguration!);
        break;
      default:
        this.source = undefined; // rpc: refused at initialize (docs/adr/0010)
    }
  }

  /** The provider's own view of its state (the SDK tracks the same through events). */
  get state(): ProviderState {
    return this.machine.state;
  }

  async initialize(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const source = this.source;
    if (source === undefined) {
      throw new ProviderFatalError(
        "SwitchyardProvider evaluates in-process: use resolverType 'in-process' (sync stream), " +
          "'file' (offlineFlagSourcePath) or 'inline' (flagConfiguration); 'rpc' is not supported",
      );
    }
    const done = this.machine.begin(this.options.deadlineMs, () => void this.initDeadline());
    // Read the persisted copy while the stream connects; it is applied only if that fails.
    this.cacheFile = this.cache?.load().then((cached) => this.preload(cached));
    source.start(this.listener);
    return done;
  }

  async onClose(): Promise<void> {
    this.machine.close();
    this.source?.close();
    await this.cache?.flush();
  }

  resolveBooleanEvaluation(
    flagKey: string,
    defaultValue: boolean,
    context: EvaluationContext,
    _logger?: Logger,
  ): Promise<ResolutionDetails<boolean>> {
    return Promise.resolve(
      this.resolve(this.engine.resolveBoolean, flagKey, defaultValue, context),
    );
  }

  resolveStringEvaluation(
    flagKey: string,
    defaultValue: string,
    context: EvaluationContext,
    _logger?: Logger,
  ): Promise<ResolutionDetails<string>> {
    return Promise.resolve(this.resolve(this.engine.resolveString, flagKey, defaultValue, context));
  }

  resolveNumberEvaluation(
    flagKey: string,
    defaultValue: number,
    context: EvaluationContext,
    _logger?: Logger,
  ): Promise<ResolutionDetails<number>> {
    return Promise.resolve(this.resolve(this.engine.resolveNumber, flagKey, defaultValue, context));
  }

  resolveObjectEvaluation<T extends JsonValue>(
    flagKey: string,
    defaultValue: T,
    context: EvaluationContext,
    _logger?: Logger,
  ): Promise<ResolutionDetails<T>> {
    const resolve = this.engine.resolveObject as unknown as Resolver<T>;
    return Promise.resolve(this.resolve(resolve, flagKey, defaultValue, context));
  }

  private resolve<T>(
    resolver: Resolver<T>,
    flagKey: string,
    defaultValue: T,
    context: EvaluationContext,
  ): ResolutionDetails<T> {
    if (!this.configured) {
      return {
        value: defaultValue,
        reason: 'ERROR',
        errorCode: ErrorCode.PROVIDER_NOT_READY,
        errorMessage: `no flag configuration yet${this.lastProblem ? `: ${this.lastProblem.message}` : ''}`,
      };
    }
    // The core result already has ResolutionDetails' shape (error codes spelled alike).
    const result = resolver(
      flagKey,
      defaultValue,
      context as CoreContext,
    ) as unknown as ResolutionDetails<T>;
    if (this.cachedSince === undefined) return result;
    return {
      ...result,
      flagMetadata: {
        ...result.flagMetadata,
        switchyardCached: true,
        switchyardCacheAgeSeconds: Math.floor((Date.now() - this.cachedSince) / 1000),
      },
    };
  }

  private readonly listener: SourceListener = {
    payload: (payload) => this.apply(payload),
    unavailable: (error) => {
      this.lastProblem = error;
      if (this.machine.initializing) {
        // The daemon is unreachable at startup: serve the last-known-good copy if there is one.
        void this.serveCache();
        return;
      }
      // A persisted configuration stays READY until the stream first connects.
      if (this.cachedSince !== undefined) return;
      this.machine.unavailable(error);
    },
    fatal: (error) => {
      this.lastProblem = error;
      this.source?.close();
      this.machine.fatal(error);
    },
  };

  /** Applies a configuration from the source. */
  private apply(payload: SourcePayload): Error | undefined {
    if (this.machine.state === 'FATAL') return undefined;
    let changes: FlagChanges;
    try {
      changes = this.engine.setConfiguration(payload.configuration, {
        source: this.source?.description ?? 'inline',
        format: this.options.resolverType === 'in-process' ? 'json' : 'auto',
      });
    } catch (error) {
      this.lastProblem = error as Error;
      if (this.machine.initializing) {
        // An invalid first configuration is not READY: fail initialize with the reason at once
        // (or serve the last-known-good copy when there is one).
        void this.serveCache().then((served) => {
          if (!served) this.machine.initFailed(error as Error);
        });
      }
      return error as Error;
    }
    if (payload.syncContext !== undefined) this.setSyncContext(payload.syncContext);
    this.configured = true;
    this.cachedSince = undefined;
    if (this.cache && typeof payload.configuration === 'string') {
      this.cache.save(payload.configuration, this.syncContext);
    }
    this.machine.configured([...changes.added, ...changes.removed, ...changes.changed]);
    return undefined;
  }

  private setSyncContext(syncContext: JsonObject | undefined): void {
    this.syncContext = syncContext;
    let base: CoreContext;
    try {
      base = this.options.contextEnricher(
        (syncContext ?? null) as EvaluationContext | null,
      ) as CoreContext;
    } catch (error) {
      this.logger.error(`contextEnricher threw: ${(error as Error).message}`);
      base = {};
    }
    // sync_context is the lowest-precedence layer, passed to core (no per-evaluation hook).
    this.engine.setBaseContext(base && Object.keys(base).length > 0 ? base : undefined);
  }

  /**
   * Parses the persisted configuration into the engine while the stream connects, without
   * serving it: the engine's work is then already done if the daemon turns out to be absent,
   * and a live payload that wins the race is diffed against it (unchanged flags keep their
   * compiled rules).
   */
  private preload(cached: CachedConfiguration | undefined): CachedConfiguration | undefined {
    if (cached === undefined || this.configured) return undefined;
    try {
      this.engine.setConfiguration(cached.flagConfiguration, {
        source: String(this.cache?.path),
        format: 'json',
      });
      return cached;
    } catch (error) {
      this.logger.warn(`last-known-good cache ignored: ${(error as Error).message}`);
      return undefined;
    }
  }

  /** During initialization only: serves the preloaded persisted configuration, once. */
  private serveCache(): Promise<boolean> {
    this.cacheAttempt ??= (async () => {
      const cached = await this.cacheFile;
      if (!cached || !this.machine.initializing || this.configured) return false;
      this.setSyncContext(cached.syncContext);
      this.configured = true;
      this.cachedSince = cached.savedAt;
      this.machine.configured([]);
      return true;
    })();
    return this.cacheAttempt;
  }

  private async initDeadline(): Promise<void> {
    if (await this.serveCache()) return;
    const cause = this.lastProblem?.message ?? 'no configuration received';
    this.machine.initFailed(
      new SourceUnavailableError(
        `no valid flag configuration from ${this.source?.description} within ${this.options.deadlineMs} ms: ${cause}`,
        { cause: this.lastProblem },
      ),
    );
  }
}
