// Sends the counted evaluations to the daemon the provider syncs from (switchyard.usage.v1
// ReportUsage on the sync port), every `intervalMs` and once more on close, always off the
// evaluation path: a timer takes the counter's batch and sends it. A batch that fails is sent
// again, with the same sequence number (the daemon counts a repeat once), before newer counts;
// one batch waits at most 10 minutes, then its evaluations are counted as dropped. A server that
// answers UNIMPLEMENTED (a flagd) ends reporting for good, with one warning.
import { randomUUID } from 'node:crypto';
import type { Logger } from '@openfeature/core';
import { type ChannelCredentials, type ChannelOptions, Metadata, status } from '@grpc/grpc-js';
import {
  type TypedClient,
  UsageServiceClient,
  type UsageServiceDefinition,
  type usageV1,
} from '@switchyard/protocol';
import type { UsageCounter } from '@switchyard/core';

type Request = usageV1.ReportUsageRequest;

const MAX_PENDING_MS = 10 * 60_000;
const SEND_DEADLINE_MS = 5000;

export interface UsageReporterOptions {
  readonly address: string;
  readonly credentials: ChannelCredentials;
  readonly channelOptions: ChannelOptions;
  readonly counter: UsageCounter;
  readonly intervalMs: number;
  readonly providerId: string | undefined;
  readonly logger: Logger;
}

function requestOf(
  batch: ReturnType<UsageCounter['take']>,
  header: { reporterId: string; sequence: number; providerId: string },
): Request {
  return {
    $typeName: 'switchyard.usage.v1.ReportUsageRequest',
    reporterId: header.reporterId,
    sequence: BigInt(header.sequence),
    providerId: header.providerId,
    dropped: BigInt(batch.dropped),
    flags: batch.flags.map((f) => ({
      $typeName: 'switchyard.usage.v1.FlagUsage',
      flagKey: f.key,
      flagSetId: f.flagSetId,
      counts: f.counts.map((c) => ({
        $typeName: 'switchyard.usage.v1.EvaluationCount',
        variant: c.variant,
        reason: c.reason,
        count: BigInt(c.count),
      })),
    })),
  };
}

const countOf = (r: Request) =>
  r.flags.reduce((sum, f) => sum + f.counts.reduce((s, c) => s + Number(c.count), 0), 0);

export class UsageReporter {
  private readonly reporterId = randomUUID();
  private sequence = 0;
  private pending: { readonly request: Request; readonly since: number } | undefined;
  private lostEvaluations = 0;
  private client: TypedClient<typeof UsageServiceDefinition> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private failing = false;
  private stopped = false;

  constructor(private readonly options: UsageReporterOptions) {}

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.options.intervalMs);
    this.timer.unref();
  }

  /** Sends what was counted (after a batch still waiting); resolves when done or failed. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.send());
    return this.flushing;
  }

  /** A last flush, then the client is closed. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
    this.stopped = true;
    this.client?.close();
  }

  private async send(): Promise<void> {
    if (this.stopped) return;
    if (this.pending !== undefined && Date.now() - this.pending.since > MAX_PENDING_MS) {
      this.lostEvaluations += countOf(this.pending.request);
      this.pending = undefined;
    }
    if (this.pending === undefined) {
      if (this.options.counter.empty && this.lostEvaluations === 0) return;
      const batch = this.options.counter.take();
      this.sequence++;
      const request = requestOf(
        { flags: batch.flags, dropped: batch.dropped + this.lostEvaluations },
        {
          reporterId: this.reporterId,
          sequence: this.sequence,
          providerId: this.options.providerId ?? '',
        },
      );
      this.lostEvaluations = 0;
      this.pending = { request, since: Date.now() };
    }
    const error = await this.call(this.pending.request);
    if (error === undefined) {
      this.pending = undefined;
      if (this.failing) this.options.logger.info('usage reports are delivered again');
      this.failing = false;
    } else if (error.code === status.UNIMPLEMENTED) {
      this.stopped = true;
      this.options.logger.warn(
        `usage reporting is off: ${this.options.address} does not accept usage reports (a flagd, or an older switchyard)`,
      );
    } else if (!this.failing) {
      this.failing = true;
      this.options.logger.warn(
        `usage report not delivered, will retry: ${error.details || error.message}`,
      );
    }
  }

  private call(
    request: Request,
  ): Promise<{ code: number; details: string; message: string } | undefined> {
    this.client ??= new UsageServiceClient(
      this.options.address,
      this.options.credentials,
      this.options.channelOptions,
    );
    const client = this.client;
    return new Promise((resolve) => {
      client.reportUsage(
        request,
        new Metadata(),
        { deadline: Date.now() + SEND_DEADLINE_MS },
        (error) => resolve(error ?? undefined),
      );
    });
  }
}
