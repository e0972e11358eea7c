// Reports usage to a daemon as a provider does (switchyard.usage.v1 on the sync port), for tests
// that need usage in the console without running a provider.
import { credentials, Metadata } from '@grpc/grpc-js';
import { UsageServiceClient, type usageV1 } from '@switchyard/protocol';

type Count = [key: string, flagSetId: string, variant: string, reason: string, count: number];

let sequence = 0;

export function reportUsage(port: number, counts: readonly Count[]): Promise<void> {
  sequence++;
  const request: usageV1.ReportUsageRequest = {
    $typeName: 'switchyard.usage.v1.ReportUsageRequest',
    reporterId: 'test-reporter',
    sequence: BigInt(sequence),
    providerId: 'test',
    dropped: 0n,
    flags: counts.map(([flagKey, flagSetId, variant, reason, count]) => ({
      $typeName: 'switchyard.usage.v1.FlagUsage',
      flagKey,
      flagSetId,
      counts: [
        { $typeName: 'switchyard.usage.v1.EvaluationCount', variant, reason, count: BigInt(count) },
      ],
    })),
  };
  const client = new UsageServiceClient(`127.0.0.1:${port}`, credentials.createInsecure());
  return new Promise((resolve, reject) =>
    client.reportUsage(request, new Metadata(), { deadline: Date.now() + 10_000 }, (error) => {
      client.close();
      if (error) reject(error);
      else resolve();
    }),
  );
}
