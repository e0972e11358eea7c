// SwitchyardProvider: an OpenFeature server provider for flagd configurations. A drop-in for
// @openfeature/flagd-provider: RPC mode (the default: each evaluation asks a daemon's evaluation
// port, rpc/rpc-resolver.ts), and in-process, file and inline modes evaluating locally with
// @switchyard/core.
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
  FlagConfiguration,
  JsonObject,
} from '@switchyard/core';
import { channelCredentials, channelOptions, parseDocument } from '@switchyard/sources';
import type { FlagSource, SourcePayload, SourceUpdate } from '@switchyard/sources';
import { type Engine, PROVIDER_PARSE, createEngine } from './engine.js';
import { SourceUnavailableError } from './errors/source-unavailable-error.js';
import { type CachedConfiguration, type LkgCache, createLkgCache } from './lkg-cache.js';
import type { ResolvedProviderOptions, SwitchyardProviderOptions } from './options.js';
import { resolveOptions } from './resolve-options.js';
import { type RpcKind, RpcResolver } from './rpc/rpc-resolver.js';
import { resolveTarget } from './sources/grpc-target.js';
import { createProviderSource } from './sources/provider-source.js';
import { ProblemLog, configurationError, problemError, sourceLost } from './source-problems.js';
import { type ProviderState, StateMachine } from './state-machine.js';
import { EvaluationMetrics, UsageCounter } from '@switchyard/core';
import { metrics } from '@opentelemetry/api';
import { UsageReporter } from './usage/usage-reporter.js';

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
  /** RPC mode: evaluations go to the daemon (no source, no engine). */
  private readonly rpc: RpcResolver | undefined;
  private readonly cache: LkgCache | undefined;
  private readonly machine: StateMachine;
  private readonly problems: ProblemLog;
  private syncContext: JsonObject | undefined;
  /** The configuration the engine holds (sources keep the object while nothing changed). */
  private applied: FlagConfiguration | undefined;
  private configured = false;
  /** Epoch ms of the persisted configuration being served, until the live stream delivers. */
  private cachedSince: number | undefined;
  private cacheFile: Promise<CachedConfiguration | undefined> | undefined;
  private cacheAttempt: Promise<boolean> | undefined;
  private lastProblem: Error | undefined;
  private started = false;
  /** Evaluation counts (reportUsage); the reporter sends them off the evaluation path. */
  private readonly usage: UsageCounter | undefined;
  private readonly reporter: UsageReporter | undefined;
  /** evaluationMetrics: counts read by OpenTelemetry observable counters; what unregisters them. */
  private readonly evaluations: EvaluationMetrics | undefined;
  private readonly stopEvaluationMetrics: (() => void) | undefined;

  /**
   * @throws ProviderOptionError when an option or environment variable is invalid.
   */
  constructor(options: SwitchyardProviderOptions = {}, logger?: Logger) {
    this.options = resolveOptions(options);
    this.logger = logger ?? new DefaultLogger();
    this.machine = new StateMachine(this.events, this.options.retryGracePeriod * 1000);
    this.setSyncContext(undefined);
    this.problems = new ProblemLog(this.logger);
    const o = this.options;
    if (o.resolverType === 'in-process' && o.cacheDir !== undefined) {
      const target = resolveTarget(o);
      const key = [target.address, target.authority, o.selector, o.providerId].join('\u0000');
      this.cache = createLkgCache(o.cacheDir, key, (e) =>
        this.logger.warn(`last-known-good cache: ${e.message}`),
      );
    }
    this.source = createProviderSource(o, this.logger, {
      onAccepted: (payload) => this.persist(payload),
    });
    this.rpc = o.resolverType === 'rpc' ? new RpcResolver(o, this.machine, this.logger) : undefined;
    if (o.evaluationMetrics) {
      this.evaluations = new EvaluationMetrics({ providerName: this.metadata.name });
      this.stopEvaluationMetrics = this.evaluations.observe(
        options.meter ?? metrics.getMeter('@switchyard/openfeature-provider'),
      );
    }
    if (o.reportUsage) {
      const target = resolveTarget(o);
      this.usage = new UsageCounter();
      this.reporter = new UsageReporter({
        address: target.address,
        credentials: channelCredentials(o),
        channelOptions: channelOptions(target, o),
        counter: this.usage,
        intervalMs: o.usageReportIntervalMs,
        providerId: o.providerId,
        logger: this.logger,
      });
    }
  }

  /** The provider's own view of its state (the SDK tracks the same through events). */
  get state(): ProviderState {
    return this.machine.state;
  }

  async initialize(): Promise<void> {
    if (this.started) return;
    this.started = true;
    if (this.rpc) return this.initializeRpc(this.rpc);
    const source = this.source;
    if (source === undefined) throw new ProviderFatalError('no flag source for this resolver');
    const done = this.machine.begin(this.options.deadlineMs, () => void this.initDeadline());
    // Read the persisted copy while the stream connects; it is applied only if that fails.
    this.cacheFile = this.cache?.load().then((cached) => this.preload(cached));
    void source.start((update) => this.onUpdate(update));
    this.reporter?.start();
    return done;
  }

  private initializeRpc(rpc: RpcResolver): Promise<void> {
    const done = this.machine.begin(this.options.deadlineMs, () =>
      this.machine.initFailed(
        new Error(`no provider_ready from ${rpc.description} within ${this.options.deadlineMs} ms`),
      ),
    );
    rpc.start();
    return done;
  }

  async onClose(): Promise<void> {
    this.stopEvaluationMetrics?.();
    this.machine.close();
    this.rpc?.close();
    this.source?.close();
    await Promise.all([this.cache?.flush(), this.reporter?.close()]);
  }

  /** Sends the usage counted so far now (reportUsage), instead of at the next interval. */
  flushUsage(): Promise<void> {
    return this.reporter?.flush() ?? Promise.resolve();
  }

  resolveBooleanEvaluation(
    flagKey: string,
    defaultValue: boolean,
    context: EvaluationContext,
    _logger?: Logger,
  ): Promise<ResolutionDetails<boolean>> {
    if (this.rpc)
      return this.counted(flagKey, this.rpc.resolve('boolean', flagKey, defaultValue, context));
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
    if (this.rpc)
      return this.counted(flagKey, this.rpc.resolve('string', flagKey, defaultValue, context));
    return Promise.resolve(this.resolve(this.engine.resolveString, flagKey, defaultValue, context));
  }

  resolveNumberEvaluation(
    flagKey: string,
    defaultValue: number,
    context: EvaluationContext,
    _logger?: Logger,
  ): Promise<ResolutionDetails<number>> {
    if (this.rpc)
      return this.counted(flagKey, this.rpc.resolve('number', flagKey, defaultValue, context));
    return Promise.resolve(this.resolve(this.engine.resolveNumber, flagKey, defaultValue, context));
  }

  resolveObjectEvaluation<T extends JsonValue>(
    flagKey: string,
    defaultValue: T,
    context: EvaluationContext,
    _logger?: Logger,
  ): Promise<ResolutionDetails<T>> {
    if (this.rpc)
      return this.counted(
        flagKey,
        this.rpc.resolve('object' as RpcKind, flagKey, defaultValue, context),
      );
    const resolve = this.engine.resolveObject as unknown as Resolver<T>;
    return Promise.resolve(this.resolve(resolve, flagKey, defaultValue, context));
  }

  /** An RPC answer, counted by evaluationMetrics (in-process answers are counted in resolve). */
  private counted<T>(
    flagKey: string,
    answer: Promise<ResolutionDetails<T>>,
  ): Promise<ResolutionDetails<T>> {
    const evaluations = this.evaluations;
    if (evaluations === undefined) return answer;
    return answer.then((result) => {
      evaluations.record(flagKey, {
        variant: result.variant,
        reason: result.reason ?? 'UNKNOWN',
        errorCode: result.errorCode,
      });
      return result;
    });
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
    this.usage?.record(flagKey, result.variant, result.reason ?? 'UNKNOWN', result.flagMetadata);
    this.evaluations?.record(flagKey, {
      variant: result.variant,
      reason: result.reason ?? 'UNKNOWN',
      errorCode: result.errorCode,
    });
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

  /** Applies what the source serves and follows its problems with the state machine. */
  private onUpdate(update: SourceUpdate): void {
    if (this.machine.state === 'FATAL') return;
    this.problems.log(update.problems);
    const fatal = update.problems.find((p) => p.code === 'FATAL');
    if (fatal) {
      this.lastProblem = problemError(fatal, update.problems);
      this.source?.close();
      this.machine.fatal(this.lastProblem);
      return;
    }
    const changes = this.apply(update);
    const lost = update.problems.find(sourceLost);
    if (lost) {
      this.lastProblem = problemError(lost, update.problems);
      // The daemon is unreachable at startup: serve the last-known-good copy if there is one.
      if (this.machine.initializing) void this.serveCache();
      // A persisted configuration stays READY until the stream first connects.
      else if (this.cachedSince === undefined) this.machine.unavailable(this.lastProblem);
      return;
    }
    if (update.configuration === undefined) {
      this.rejectedAtStart(update);
      return;
    }
    if (changes !== undefined || update.problems.length === 0) {
      this.machine.configured(
        changes ? [...changes.added, ...changes.removed, ...changes.changed] : [],
      );
    }
  }

  /** Applies the update's configuration when it differs from the one held; returns the changes. */
  private apply(update: SourceUpdate): FlagChanges | undefined {
    if (update.syncContext !== undefined && update.syncContext !== this.syncContext) {
      this.setSyncContext(update.syncContext);
    }
    if (update.configuration === undefined || update.configuration === this.applied)
      return undefined;
    const changes = this.engine.setConfiguration(update.configuration);
    this.applied = update.configuration;
    this.configured = true;
    this.cachedSince = undefined;
    return changes;
  }

  /** An invalid first configuration is not READY: fail initialize at once (or serve the cache). */
  private rejectedAtStart(update: SourceUpdate): void {
    const invalid = update.problems.find((p) => p.code === 'INVALID' || p.code === 'TOO_LARGE');
    if (invalid === undefined || !this.machine.initializing) return;
    const error = problemError(invalid, update.problems);
    this.lastProblem = error;
    void this.serveCache().then((served) => {
      if (!served) this.machine.initFailed(error);
    });
  }

  /** Keeps the sync stream's accepted payload as the last-known-good copy. */
  private persist(payload: SourcePayload): void {
    if (this.cache === undefined || this.machine.state === 'FATAL') return;
    if (typeof payload.configuration !== 'string') return;
    this.cache.save(payload.configuration, payload.syncContext ?? this.syncContext);
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
    const source = String(this.cache?.path);
    const parsed = parseDocument(
      cached.flagConfiguration,
      { source, format: 'json' },
      PROVIDER_PARSE,
    );
    if (parsed.configuration === undefined) {
      this.logger.warn(
        `last-known-good cache ignored: ${configurationError(source, parsed.errors).message}`,
      );
      return undefined;
    }
    this.engine.setConfiguration(parsed.configuration);
    return cached;
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
