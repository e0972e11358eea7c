// The daemon's side of usage reporting: switchyard.usage.v1 on the sync port counts a retried
// batch once, refuses a malformed one without counting any of it, keeps within its bounds
// (counting what does not fit as dropped), and a usage file that is not one is moved aside.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { credentials, Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { UsageServiceClient, type usageV1 } from '@switchyard/protocol';
import { flagsDoc, startTestDaemon, tempDir } from './helpers/harness.js';

type Request = usageV1.ReportUsageRequest;

function batch(
  sequence: number,
  flags: [key: string, variant: string, count: number][],
  reporterId = 'r1',
): Request {
  return {
    $typeName: 'switchyard.usage.v1.ReportUsageRequest',
    reporterId,
    sequence: BigInt(sequence),
    providerId: 'test',
    dropped: 0n,
    flags: flags.map(([flagKey, variant, count]) => ({
      $typeName: 'switchyard.usage.v1.FlagUsage',
      flagKey,
      flagSetId: '',
      counts: [
        {
          $typeName: 'switchyard.usage.v1.EvaluationCount',
          variant,
          reason: 'STATIC',
          count: BigInt(count),
        },
      ],
    })),
  };
}

function report(port: number, request: Request): Promise<ServiceError | null> {
  const client = new UsageServiceClient(`127.0.0.1:${port}`, credentials.createInsecure());
  return new Promise((resolve) =>
    client.reportUsage(request, new Metadata(), { deadline: Date.now() + 10_000 }, (error) => {
      client.close();
      resolve(error);
    }),
  );
}

test('a retried batch is counted once; a malformed one is refused whole', async () => {
  const t = await startTestDaemon({ files: { 'a.json': flagsDoc({ a: 'on' }) } });
  try {
    const port = t.daemon.ports.sync as number;
    expect(await report(port, batch(1, [['a', 'on', 3]]))).toBeNull();
    expect(await report(port, batch(1, [['a', 'on', 3]]))).toBeNull(); // the answer was lost
    expect(await report(port, batch(2, [['a', 'off', 1]]))).toBeNull();
    expect(await report(port, batch(1, [['a', 'on', 3]], 'r2'))).toBeNull(); // another reporter
    expect(t.daemon.usage.record().flags[0]).toMatchObject({ key: 'a', evaluations: 7 });
    const bad = await report(port, batch(0, [['a', 'on', 1]], 'r3'));
    expect(bad?.code).toBe(status.INVALID_ARGUMENT);
    expect(bad?.details).toContain('INVALID_USAGE_REPORT');
    const long = await report(port, batch(1, [['x'.repeat(300), 'on', 1]], 'r4'));
    expect(long?.code).toBe(status.INVALID_ARGUMENT);
    expect(t.daemon.usage.record().flags).toHaveLength(1);
    expect(await t.metrics()).toMatch(/^switchyard_usage_reports_total\{result="repeat"\} 1$/m);
  } finally {
    await t.close();
  }
});

test('bounded: flags and counts past the limits are counted as dropped', async () => {
  const t = await startTestDaemon({
    files: { 'a.json': flagsDoc({ a: 'on' }) },
    usageLimits: { maxFlags: 2, maxCountsPerFlag: 2 },
  });
  try {
    const port = t.daemon.ports.sync as number;
    await report(
      port,
      batch(1, [
        ['a', 'v1', 1],
        ['a', 'v2', 1],
        ['a', 'v3', 5],
        ['b', 'on', 1],
        ['c', 'on', 7],
      ]),
    );
    const record = t.daemon.usage.record();
    expect(record.flags.map((f) => f.key).sort()).toEqual(['a', 'b']);
    expect(record.dropped).toBe(12);
  } finally {
    await t.close();
  }
});

test('the usage file is written atomically; one that is not a usage record is moved aside', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'usage.json'), '{"not":"usage"}');
  const t = await startTestDaemon({
    dir,
    files: { 'a.json': flagsDoc({ a: 'on' }) },
    usageFile: 'usage.json',
  });
  try {
    expect(readdirSync(dir).some((n) => n.startsWith('usage.json.unreadable-'))).toBe(true);
    expect(t.logs.some((l) => String(l.msg).includes('not a usage record'))).toBe(true);
    await report(t.daemon.ports.sync as number, batch(1, [['a', 'on', 2]]));
    await t.close(); // writes what the timer has not written yet
    expect(existsSync(join(dir, 'usage.json'))).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'usage.json'), 'utf8')).flags[0].evaluations).toBe(2);
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  } finally {
    await t.close();
  }
});
