// Flag usage end to end: a real SwitchyardProvider (reportUsage) evaluates against a real daemon;
// its counts arrive batched (one report for a thousand evaluations), by variant and reason, in
// the daemon's usage record, its metrics and the console API; closing the provider sends what is
// left; a daemon restarted on the same --usage-file keeps every count.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Daemon } from '@switchyard/daemon';
import { startDaemon } from '@switchyard/daemon';
import { SwitchyardProvider } from '@switchyard/openfeature-provider';

const FLAGS = JSON.stringify({
  metadata: { flagSetId: 'shop' },
  flags: {
    'new-checkout': {
      state: 'ENABLED',
      variants: { on: true, off: false },
      defaultVariant: 'off',
      targeting: {
        fractional: [
          ['on', 50],
          ['off', 50],
        ],
      },
    },
    banner: { state: 'ENABLED', variants: { red: 'red', blue: 'blue' }, defaultVariant: 'red' },
  },
});

const dir = mkdtempSync(join(tmpdir(), 'switchyard-usage-'));
const usageFile = join(dir, 'usage.json');
writeFileSync(join(dir, 'flags.json'), FLAGS);
const silent = { error() {}, warn() {}, info() {}, debug() {} };

function start(): Promise<Daemon> {
  return startDaemon({
    sources: [`file:${join(dir, 'flags.json')}`],
    host: '127.0.0.1',
    syncPort: 0,
    managementPort: 0,
    usageFile,
    logLevel: 'silent',
  });
}

function nextReport(daemon: Daemon): Promise<void> {
  return new Promise((resolve) => {
    const off = daemon.usage.subscribe(() => {
      off();
      resolve();
    });
  });
}

async function provider(daemon: Daemon): Promise<SwitchyardProvider> {
  const p = new SwitchyardProvider(
    {
      resolverType: 'in-process',
      host: '127.0.0.1',
      port: daemon.ports.sync as number,
      reportUsage: true,
      usageReportIntervalMs: 3_600_000, // the test flushes; the timer must not
      deadlineMs: 5000,
    },
    silent,
  );
  await p.initialize();
  return p;
}

const metric = async (daemon: Daemon, line: RegExp) => {
  const text = await (await fetch(`http://127.0.0.1:${daemon.ports.management}/metrics`)).text();
  return line.exec(text)?.[1];
};

test('counts arrive batched, by variant and reason, and survive a daemon restart', async () => {
  let daemon = await start();
  const p = await provider(daemon);
  for (let i = 0; i < 1000; i++)
    await p.resolveBooleanEvaluation('new-checkout', false, { targetingKey: `u${i}` });
  for (let i = 0; i < 5; i++) await p.resolveStringEvaluation('banner', 'none', {});
  await p.resolveBooleanEvaluation('no-such-flag', false, {});

  const reported = nextReport(daemon);
  await p.flushUsage();
  await reported;
  const record = daemon.usage.record();
  const checkout = record.flags.find((f) => f.key === 'new-checkout');
  expect(checkout).toMatchObject({ flagSetId: 'shop', evaluations: 1000 });
  expect(checkout?.counts.map((c) => c.reason)).toEqual(['TARGETING_MATCH', 'TARGETING_MATCH']);
  expect(checkout?.counts.reduce((s, c) => s + c.count, 0)).toBe(1000);
  expect(record.flags.find((f) => f.key === 'banner')?.counts).toEqual([
    { variant: 'red', reason: 'STATIC', count: 5 },
  ]);
  expect(record.flags.find((f) => f.key === 'no-such-flag')?.counts).toEqual([
    { variant: '', reason: 'ERROR', count: 1 },
  ]);
  // One report carried all 1,006 evaluations.
  expect(await metric(daemon, /^switchyard_usage_reports_total\{result="counted"\} (\d+)$/m)).toBe(
    '1',
  );
  expect(
    await metric(
      daemon,
      /^switchyard_flag_evaluations_total\{flag_key="banner",flag_set_id="shop",variant="red",reason="STATIC"\} (\d+)$/m,
    ),
  ).toBe('5');
  const usageUrl = `http://127.0.0.1:${daemon.ports.management}/ui/api/usage`;
  const api = (await (await fetch(usageUrl)).json()) as {
    flags: { key: string; evaluations: number }[];
  };
  expect(api.flags.find((f) => f.key === 'banner')?.evaluations).toBe(5);

  // Closing the provider sends what it counted since.
  await p.resolveStringEvaluation('banner', 'none', {});
  const last = nextReport(daemon);
  await p.onClose();
  await last;
  expect(daemon.usage.record().flags.find((f) => f.key === 'banner')?.evaluations).toBe(6);

  await daemon.close();
  daemon = await start();
  try {
    const again = daemon.usage.record();
    expect(again.since).toBe(record.since);
    expect(again.flags.find((f) => f.key === 'new-checkout')?.evaluations).toBe(1000);
    expect(again.flags.find((f) => f.key === 'banner')?.evaluations).toBe(6);
    const q = await provider(daemon);
    await q.resolveStringEvaluation('banner', 'none', {});
    const more = nextReport(daemon);
    await q.onClose();
    await more;
    expect(daemon.usage.record().flags.find((f) => f.key === 'banner')?.evaluations).toBe(7);
  } finally {
    await daemon.close();
  }
});
