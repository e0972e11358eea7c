// A source over a feed of whole documents: a sync stream, an HTTP poll, an inline
// configuration. The feed only moves payloads and says when its origin is lost; this wrapper
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
  /** How to read a text payload (default: the source's `format` option). */
  readonly format?: 'json' | 'yaml' | undefined;
}

/**
 * What a feed reports to. Reasons are one line naming the origin (`sync localhost:8015: stream
 * ended with UNAVAILABLE: ...`); they become the message of the source's problem.
 */
export interface PayloadSink {
  /** A payload arrived. Returns why it was rejected (the last good one stays), or undefined. */
  payload(payload: SourcePayload): Error | undefined;
  /** The origin answered that nothing changed since the last payload (HTTP 304): it is back. */
  unchanged(): void;
  /** The origin was lost (stream failed, request failed); the feed keeps retrying on its own. */
  unavailable(reason: string): void;
  /** The origin sent more than the size bound; the feed keeps trying. */
  tooLarge(reason: string): void;
  /** The feed gave up for good (a fatal status, an unusable certificate). */
  fatal(reason: string): void;
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

/** Problems an arriving payload (or a 304) clears: the origin answered, within the bound. */
const CLEARED_BY_ANSWER: readonly SourceProblemCode[] = ['UNAVAILABLE', 'TOO_LARGE'];

class PayloadSource implements FlagSource {
  readonly id: string;
  readonly description: string;
  private listener: SourceListener | undefined;
  private good: Good | undefined;
  /** The last rejected payload and why, so a poll that keeps fetching it does not re-parse it. */
  private rejected: { readonly key: string; readonly error: Error } | undefined;
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
      unchanged: () => this.answered(),
      unavailable: (reason) => this.problem('UNAVAILABLE', reason),
      tooLarge: (reason) => this.problem('TOO_LARGE', reason),
      fatal: (reason) => this.problem('FATAL', reason),
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
    const receivedAt = performance.now();
    for (const code of CLEARED_BY_ANSWER) this.problems.delete(code);
    if (this.rejected?.key === key) {
      this.emit(receivedAt);
      return this.rejected.error;
    }
    const document =
      this.good?.key === key
        ? this.good.document
        : parseDocument(
            payload.configuration,
            {
              source: this.description,
              format: payload.format ?? this.options.format ?? 'auto',
            },
            this.options.parse,
          );
    if (document.configuration === undefined) {
      const error = new ConfigurationError(document.errors);
      this.rejected = { key, error };
      this.keep(invalidProblem(this.description, document.errors));
      this.emit(receivedAt);
      return error;
    }
    this.rejected = undefined;
    this.problems.delete('INVALID');
    this.good = { key, document, syncContext: payload.syncContext };
    this.options.onAccepted?.(payload);
    this.emit(receivedAt);
    return undefined;
  }

  private answered(): void {
    const before = this.problems.size;
    for (const code of CLEARED_BY_ANSWER) this.problems.delete(code);
    if (this.problems.size !== before) this.emit(performance.now());
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
