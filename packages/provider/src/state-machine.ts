// The provider's connection state machine and the OpenFeature events it emits.
//
//   NOT_READY ──valid config──▶ READY (initialize resolves; the SDK emits READY)
//   NOT_READY ──deadline / invalid first config──▶ ERROR (initialize rejects; the SDK emits ERROR)
//   READY ──source lost──▶ STALE ──retryGracePeriod──▶ ERROR
//   STALE | ERROR ──valid config──▶ READY (+ CONFIGURATION_CHANGED when flags changed)
//   any ──fatal──▶ FATAL (ERROR event with PROVIDER_FATAL; terminal, never downgraded)
//
// Fixes relative to the official provider
// (open-feature/js-sdk-contrib:libs/providers/flagd/src/lib/flagd-provider.ts and
// service/in-process/grpc/grpc-fetch.ts): no STALE during init, a late first connect still emits
// READY and CONFIGURATION_CHANGED, FATAL carries its error code and is final, and close() cancels
// every timer.
import {
  ErrorCode,
  GeneralError,
  type OpenFeatureEventEmitter,
  ProviderEvents,
  ProviderFatalError,
} from '@openfeature/server-sdk';

export type ProviderState = 'NOT_READY' | 'READY' | 'STALE' | 'ERROR' | 'FATAL';

export class StateMachine {
  private current: ProviderState = 'NOT_READY';
  private grace: NodeJS.Timeout | undefined;
  private deadline: NodeJS.Timeout | undefined;
  private pending: { resolve: () => void; reject: (error: Error) => void } | undefined;
  private closed = false;

  constructor(
    private readonly events: OpenFeatureEventEmitter,
    private readonly gracePeriodMs: number,
  ) {}

  get state(): ProviderState {
    return this.current;
  }

  /** True while `initialize` has not settled. */
  get initializing(): boolean {
    return this.pending !== undefined;
  }

  /** The promise `initialize` returns; `onDeadline` runs if nothing settled it in time. */
  begin(deadlineMs: number, onDeadline: () => void): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending = { resolve, reject };
      this.deadline = setTimeout(onDeadline, deadlineMs);
    });
  }

  /** A valid configuration was applied; `flagsChanged` is relative to the previous one. */
  configured(flagsChanged: readonly string[]): void {
    if (this.closed || this.current === 'FATAL') return;
    const previous = this.current;
    this.current = 'READY';
    this.stopGrace();
    if (previous === 'NOT_READY' && this.pending) {
      this.settle(); // the SDK emits READY when initialize resolves
      return;
    }
    if (previous !== 'READY') this.events.emit(ProviderEvents.Ready, {});
    if (flagsChanged.length > 0) {
      this.events.emit(ProviderEvents.ConfigurationChanged, { flagsChanged: [...flagsChanged] });
    }
  }

  /** The source was lost. READY becomes STALE, and ERROR after the grace period. */
  unavailable(error: Error): void {
    if (this.closed || this.current !== 'READY') return;
    this.current = 'STALE';
    this.events.emit(ProviderEvents.Stale, { message: error.message });
    this.grace = setTimeout(() => {
      this.grace = undefined;
      if (this.current !== 'STALE') return;
      this.current = 'ERROR';
      this.events.emit(ProviderEvents.Error, {
        message: error.message,
        errorCode: ErrorCode.GENERAL,
      });
    }, this.gracePeriodMs);
  }

  /** Initialization failed (deadline, invalid first configuration); the source keeps trying. */
  initFailed(error: Error): void {
    if (this.closed || !this.pending || this.current !== 'NOT_READY') return;
    this.current = 'ERROR';
    this.settle(new GeneralError(error.message, { cause: error }));
  }

  /** Terminal failure. */
  fatal(error: Error): void {
    if (this.closed || this.current === 'FATAL') return;
    this.current = 'FATAL';
    this.stopGrace();
    const fatal = new ProviderFatalError(error.message, { cause: error });
    if (this.pending) {
      this.settle(fatal);
      return;
    }
    this.events.emit(ProviderEvents.Error, {
      message: error.message,
      errorCode: ErrorCode.PROVIDER_FATAL,
    });
  }

  /** Cancels every timer; a pending initialize rejects. Nothing is emitted afterwards. */
  close(): void {
    if (this.pending) this.settle(new GeneralError('provider closed during initialization'));
    this.closed = true;
    this.stopGrace();
  }

  private settle(error?: Error): void {
    clearTimeout(this.deadline);
    this.deadline = undefined;
    const pending = this.pending;
    this.pending = undefined;
    if (error) pending?.reject(error);
    else pending?.resolve();
  }

  private stopGrace(): void {
    clearTimeout(this.grace);
    this.grace = undefined;
  }
}
