// reportUsage on the provider's side: opt-in (option or FLAGD_REPORT_USAGE), in-process only; the
// counter is bounded; a server without the usage service (a flagd) answers UNIMPLEMENTED and
// reporting turns off with one warning while evaluation goes on untouched.
import { resolveOptions } from '../src/index.js';
import { ProviderOptionError, SwitchyardProvider } from '../src/index.js';
import { UsageCounter } from '@switchyard/core';
import { flagConfig, silentLogger } from './support/flags.js';
import { TestSyncServer } from './support/sync-server.js';

test('opt-in through the option or FLAGD_REPORT_USAGE; in-process only', () => {
  expect(resolveOptions({ resolverType: 'in-process' }, {}).reportUsage).toBe(false);
  const env = { FLAGD_REPORT_USAGE: 'true', FLAGD_USAGE_REPORT_INTERVAL_MS: '2500' };
  expect(resolveOptions({ resolverType: 'in-process' }, env)).toMatchObject({
    reportUsage: true,
    usageReportIntervalMs: 2500,
  });
  expect(() => resolveOptions({ flagConfiguration: '{}', reportUsage: true }, {})).toThrow(
    ProviderOptionError,
  );
  expect(() =>
    resolveOptions({ resolverType: 'in-process', usageReportIntervalMs: 5 }, {}),
  ).toThrow(/at least 100 ms/);
});

test('the counter keeps within its bounds and counts the rest as dropped', () => {
  const counter = new UsageCounter({ maxFlags: 2, maxVariants: 1 });
  counter.record('a', 'on', 'STATIC', { flagSetId: 'shop' });
  counter.record('a', 'on', 'STATIC', { flagSetId: 'shop' });
  counter.record('a', 'off', 'STATIC', { flagSetId: 'shop' });
  counter.record('b', undefined, 'ERROR', undefined);
  counter.record('c', 'on', 'WHATEVER', undefined);
  expect(counter.take()).toEqual({
    flags: [
      { key: 'a', flagSetId: 'shop', counts: [{ variant: 'on', reason: 'STATIC', count: 2 }] },
      { key: 'b', flagSetId: '', counts: [{ variant: '', reason: 'ERROR', count: 1 }] },
    ],
    dropped: 2,
  });
  expect(counter.empty).toBe(true);
});

test('a flagd (no usage service) answers UNIMPLEMENTED: reporting stops, evaluation goes on', async () => {
  const server = await TestSyncServer.start(flagConfig('red'));
  const logger = silentLogger();
  const provider = new SwitchyardProvider(
    {
      resolverType: 'in-process',
      host: '127.0.0.1',
      port: server.port,
      reportUsage: true,
      usageReportIntervalMs: 3_600_000,
    },
    logger,
  );
  try {
    await provider.initialize();
    expect((await provider.resolveStringEvaluation('color', 'x', {})).value).toBe('red');
    await provider.flushUsage();
    await logger.waitFor(/usage reporting is off: .* does not accept usage reports/);
    await provider.resolveStringEvaluation('color', 'x', {});
    await provider.flushUsage();
    expect(logger.lines.filter((l) => l.includes('usage reporting is off'))).toHaveLength(1);
    expect((await provider.resolveStringEvaluation('color', 'x', {})).value).toBe('red');
  } finally {
    await provider.onClose();
    server.kill();
  }
});
