// Waits until a grpc-js channel has a connection, so that a lost stream is reopened the moment
// the server is back instead of at the next tick of a stream backoff timer.
//
// While the server is down the channel keeps trying to connect on its own (pick_first stays in
// "sticky TRANSIENT_FAILURE" and reconnects each subchannel at its connection-backoff pace,
// grpc-js `load-balancer-pick-first.ts`); the pace is set by the channel options
// `grpc.initial_reconnect_backoff_ms` / `grpc.max_reconnect_backoff_ms` (see grpc-channel.ts).
// A channel whose connection dropped goes IDLE and only connects again when asked; asking is
// what `getConnectivityState(true)` does.
import { type ChannelInterface, connectivityState } from '@grpc/grpc-js';

/**
 * Calls `onReady` once the channel is READY (at once if it already is). Returns a function that
 * cancels the wait. A channel that is shut down never calls back.
 */
export function whenChannelReady(channel: ChannelInterface, onReady: () => void): () => void {
  let cancelled = false;
  const check = (): void => {
    if (cancelled) return;
    let state = channel.getConnectivityState(false);
    // Only an IDLE channel needs the nudge; in other states asking would merely re-resolve.
    if (state === connectivityState.IDLE) state = channel.getConnectivityState(true);
    if (state === connectivityState.READY) {
      cancelled = true;
      onReady();
      return;
    }
    if (state === connectivityState.SHUTDOWN) return;
    // No deadline: the watch holds no timer, and the channel calls back on its next change
    // (SHUTDOWN included, when the client is closed).
    channel.watchConnectivityState(state, Number.POSITIVE_INFINITY, check);
  };
  check();
  return () => {
    cancelled = true;
  };
}
