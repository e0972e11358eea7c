// When the sync feed opens its next stream (docs/adr/0014, docs/adr/0020): as soon as the
// channel is connected after a healthy stream was lost or recycled; after a capped exponential
// backoff with jitter when the server is reachable but fails streams, or fails them again before
// one proved healthy. Never while the channel is disconnected: grpc-js's connection backoff
// paces those attempts (grpc-channel.ts), so the two never stack.
import type { ChannelInterface } from '@grpc/grpc-js';
import { createBackoff } from './backoff.js';
import { whenChannelReady } from './channel-ready.js';

/** A stream must live this long, having delivered, to count as healthy (resets the backoff). */
export const MIN_HEALTHY_STREAM_MS = 1000;

/** How a stream went. */
export interface StreamOutcome {
  /** It delivered a configuration the provider accepted. */
  readonly accepted: boolean;
  readonly livedMs: number;
  /** It ended as routine recycling (OK or its deadline, after a payload), not as an outage. */
  readonly routine: boolean;
}

export interface StreamRetry {
  /** Schedules `open` for after a stream ended the way `outcome` says. */
  afterStream(outcome: StreamOutcome): void;
  /** Drops a scheduled open. */
  cancel(): void;
}

export interface StreamRetryOptions {
  readonly retryBackoffMs: number;
  readonly retryBackoffMaxMs: number;
  /** The channel to wait for (undefined once closed). */
  readonly channel: () => ChannelInterface | undefined;
  /** Opens the next stream. */
  readonly open: () => void;
}

export function createStreamRetry(options: StreamRetryOptions): StreamRetry {
  const backoff = createBackoff(options.retryBackoffMs, options.retryBackoffMaxMs);
  /** Whether the next failure of a stream that delivered may be retried without a delay. */
  let quickRetryAllowed = true;
  let timer: NodeJS.Timeout | undefined;
  let cancelWait: (() => void) | undefined;

  function cancel(): void {
    clearTimeout(timer);
    timer = undefined;
    cancelWait?.();
    cancelWait = undefined;
  }

  function waitForChannel(): void {
    timer = undefined;
    const channel = options.channel();
    if (channel !== undefined) cancelWait = whenChannelReady(channel, options.open);
  }

  function delayAfter(outcome: StreamOutcome): number {
    const healthy = outcome.accepted && outcome.livedMs >= MIN_HEALTHY_STREAM_MS;
    if (healthy) {
      backoff.reset();
      quickRetryAllowed = true;
    }
    if (outcome.routine) return healthy ? 0 : backoff.next();
    // The first failure after a valid configuration (a daemon restart, a dropped connection) is
    // retried as soon as the channel connects; failing again before a stream proved healthy, or
    // without a valid configuration (the server refuses us), means backing off.
    const quick = outcome.accepted && quickRetryAllowed;
    if (quick) quickRetryAllowed = false;
    return quick ? 0 : backoff.next();
  }

  return {
    afterStream(outcome) {
      cancel();
      const delayMs = delayAfter(outcome);
      if (delayMs > 0) timer = setTimeout(waitForChannel, delayMs);
      else waitForChannel();
    },
    cancel,
  };
}
