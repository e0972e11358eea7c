// switchyard.usage.v1.UsageService on the sync port: providers report batched evaluation counts
// (a Switchyard extension; docs/adr/0029). A malformed batch is answered INVALID_ARGUMENT and
// counts nothing; a retried batch (same reporter and sequence) is answered OK and counted once.
import { status } from '@grpc/grpc-js';
import type { ServerUnaryCall, UntypedServiceImplementation, sendUnaryData } from '@grpc/grpc-js';
import type { usageV1 } from '@switchyard/protocol';
import { ERROR_CODES, SwitchyardError } from '../engine.js';
import { InvalidUsageReportError } from '../errors/invalid-usage-report-error.js';
import type { Logger } from '../logger.js';
import type { DaemonMetrics } from '../metrics.js';
import type { UsageBatch, UsageStore } from './usage-store.js';

type Request = usageV1.ReportUsageRequest;
type Response = usageV1.ReportUsageResponse;

/** uint64 on the wire: above 2^53 it is out of bounds, not rounded. */
function safe(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER))
    throw new InvalidUsageReportError(`${what} is too large`);
  return Number(value);
}

function batchOf(request: Request): UsageBatch {
  return {
    reporterId: request.reporterId,
    sequence: safe(request.sequence, 'sequence'),
    dropped: safe(request.dropped, 'dropped'),
    flags: request.flags.map((f) => ({
      key: f.flagKey,
      flagSetId: f.flagSetId === '' ? undefined : f.flagSetId,
      counts: f.counts.map((c) => ({
        variant: c.variant,
        reason: c.reason,
        count: safe(c.count, `count of flag "${f.flagKey}"`),
      })),
    })),
  };
}

export function usageServiceImplementation(
  store: UsageStore,
  { logger, metrics }: { logger: Logger; metrics: DaemonMetrics },
): UntypedServiceImplementation {
  return {
    reportUsage(call: ServerUnaryCall<Request, Response>, callback: sendUnaryData<Response>) {
      try {
        const result = store.add(batchOf(call.request));
        metrics.usageReports.add(1, { result });
        callback(null, { $typeName: 'switchyard.usage.v1.ReportUsageResponse' });
      } catch (error) {
        metrics.usageReports.add(1, { result: 'rejected' });
        const message = (error as Error).message;
        logger.warn({ reporter: call.request.reporterId }, `usage: report rejected: ${message}`);
        const code =
          error instanceof SwitchyardError ? ERROR_CODES[error.code].grpcStatus : status.INTERNAL;
        callback({ code, details: message });
      }
    },
  };
}
