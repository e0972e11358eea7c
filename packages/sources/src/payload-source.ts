// A source over a feed of whole documents: a sync stream, an inline configuration, later an
// HTTP poll. The feed only moves payloads and says when its origin is lost; this wrapper
// parses each payload with the consumer's options, keeps the last good one, and reports the
// rest as problems, so every such source answers through the seam the same way.
import { performance } from 'node:perf_hooks';
import { ConfigurationError } from '@switchyard/core';
import type { JsonObject, JsonValue } from '@switchyard/core';
import type {
  FlagSource,
  SourceListener,
  SourceProblem,
  SourceProblemCode,
  SourceUpdate,
} from './flag-source.js';
import type { ParsedDocument, SourceParseOptions } from './parse-document.js';
import { contentKey, invalidProblem, parseDocument } from './parse-document.js';

export interface SourcePayload {
  /** The full flag configuration (flagd schema) as text or an already-parsed object. */
  readonly configuration: string | JsonValue;
  /** The sync_context that came with it (sync streams only). */
  readonly syncContext?: JsonObject | undefined;
}

/** What a feed reports to. */
export interface PayloadSink {
  /** A payload arrived. Returns why it was rejected (the last good one stays), or undefined. */
  payload(payload: SourcePayload): Error | undefined;
  /** The origin was lost (stream failed); the feed keeps retrying on its own. */
  unavailable(error: Error): void;
  /** The feed gave up for good (a fatal status, an unusable certificate). */
  fatal(error: Error): void;
}

/** Moves whole documents from an origin; never parses. */
export interface PayloadFeed {
  /** Human-readable origin (`sync localhost:8015`, `inline`). */
  readonly description: string;
  /** Starts delivering to `sink`; must not throw (report through the sink instead). */
  start(sink: PayloadSink): void;
  /** Stops every stream and timer. Idempotent. */
  close(): void;
}

export interface PayloadSourceOptions {
  /** flagd's source id (the URI, or the feed's description). */
  readonly id: string;
  readonly parse: SourceParseOptions;
  readonly format?: 'json' | 'yaml' | 'auto';
  /** Called with each payload that was accepted (e.g. to persist a last-known-good copy). */
  readonly onAccepted?: (payload: SourcePayload) => void;
}

interface Good {
  readonly key: string;
  readonly document: ParsedDocument;
  readonly syncContext: JsonObject | undefined;
}

class PayloadSource implements FlagSource {
  readonly id: string;
  readonly description: string;
  private listener: SourceListener | undefined;
  private good: Good | undefined;
  private readonly problems = new Map<SourceProblemCode, SourceProblem>();
  private firstReported: (() => void) | undefined;
  private closed = false;

  constructor(
    private readonly feed: PayloadFeed,
    private readonly options: PayloadSourceOptions,
  ) {
    this.id = options.id;
    this.description = feed.description;
  }

  start(listener: SourceListener): Promise<void> {
    this.listener = listener;
    const first = new Promise<void>((resolve) => {
      this.firstReported = resolve;
    });
    this.feed.start({
      payload: (payload) => this.payload(payload),
      unavailable: (error) => this.problem('UNAVAILABLE', error.message),
      fatal: (error) => this.problem('FATAL', error.message),
    });
    return first;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.feed.close();
    this.firstReported?.();
  }

  private payload(payload: SourcePayload): Error | undefined {
    const text =
      typeof payload.configuration === 'string'
        ? payload.configuration
        : JSON.stringify(payload.configuration);
    const key = contentKey(this.description, text);
    const document =
      this.good?.key === key
        ? this.good.document
        : parseDocument(
            payload.configuration,
            { source: this.description, format: this.options.format ?? 'auto' },
            this.options.parse,
          );
    const receivedAt = performance.now();
    this.problems.delete('UNAVAILABLE');
    if (document.configuration === undefined) {
      this.keep(invalidProblem(this.description, document.errors));
      this.emit(receivedAt);
      return new ConfigurationError(document.errors);
    }
    this.problems.delete('INVALID');
    this.good = { key, document, syncContext: payload.syncContext };
    this.options.onAccepted?.(payload);
    this.emit(receivedAt);
    return undefined;
  }

  private problem(code: SourceProblemCode, message: string): void {
    this.keep({ code, entry: this.description, message, since: Date.now() });
    this.emit(performance.now());
  }

  /** Records a problem, keeping `since` while the same problem persists. */
  private keep(problem: SourceProblem): void {
    const previous = this.problems.get(problem.code);
    if (previous?.message === problem.message) return;
    this.problems.set(problem.code, problem);
  }

  private emit(eventAt: number): void {
    if (this.closed) return;
    const update: SourceUpdate = {
      sourceId: this.id,
      configuration: this.good?.document.configuration,
      problems: [...this.problems.values()],
      warnings: this.good?.document.warnings ?? [],
      syncContext: this.good?.syncContext,
      eventAt,
    };
    this.listener?.(update);
    this.firstReported?.();
    this.firstReported = undefined;
  }
}

/** The seam's source over `feed`. */
export function createPayloadSource(feed: PayloadFeed, options: PayloadSourceOptions): FlagSource {
  return new PayloadSource(feed, options);
}
