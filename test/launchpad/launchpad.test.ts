// The launchpad emulation against the real daemon child process: each named
// config starts and serves what the gherkin steps expect, and stop/restart/change behave as the
// launchpad's HTTP routes do.
import { existsSync, readFileSync } from 'node:fs';
import { get } from 'node:http';
import { Launchpad } from './launchpad.js';
import { waitForSync } from './sync-probe.js';

jest.setTimeout(60_000);

let launchpad: Launchpad;
beforeAll(async () => {
  launchpad = await Launchpad.create();
});
afterAll(async () => {
  await launchpad?.close();
});

function readyz(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = get({ host: '127.0.0.1', port, path: '/readyz', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('error', () => resolve(undefined));
  });
}

const has = (key: string) => (flags: Record<string, unknown>) => key in flags;

test('default: serves the merged file and, by selector, rawflags/selector-flags.json', async () => {
  await launchpad.start('default');
  await waitForSync(launchpad.syncEndpoint(), has('boolean-flag'), 5000);
  await waitForSync(
    { ...launchpad.syncEndpoint(), selector: 'rawflags/selector-flags.json' },
    (flags) => 'selector-flag' in flags && !('boolean-flag' in flags),
    5000,
  );
});

test('the authority proxy reaches the sync service for sync.service', async () => {
  await launchpad.ensure('default');
  await waitForSync(
    { target: `127.0.0.1:${launchpad.ports.proxy}`, authority: 'sync.service' },
    has('boolean-flag'),
    5000,
  );
});

test('change toggles changing-flag and resolves once the daemon serves it', async () => {
  await launchpad.ensure('default');
  const before = JSON.parse(readFileSync(launchpad.mergedFlagsPath, 'utf8')).flags['changing-flag']
    .defaultVariant as string;
  const next = await launchpad.change();
  expect(next).not.toBe(before);
  await waitForSync(
    launchpad.syncEndpoint(),
    (flags) => (flags['changing-flag'] as { defaultVariant?: string }).defaultVariant === next,
    1000,
  );
  expect(await launchpad.change()).toBe(before);
});

test('restart returns at once, deletes allFlags.json, kills the daemon and respawns after N s', async () => {
  await launchpad.ensure('default');
  const started = Date.now();
  launchpad.restart(1);
  expect(Date.now() - started).toBeLessThan(200);
  expect(existsSync(launchpad.mergedFlagsPath)).toBe(false);
  expect(launchpad.isServing('default')).toBe(false);
  await launchpad.whenRestarted();
  expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  expect(existsSync(launchpad.mergedFlagsPath)).toBe(true);
  expect(await readyz(launchpad.ports.management)).toBe(200);
  expect(launchpad.isServing('default')).toBe(true);
});

test('start cancels a pending restart', async () => {
  launchpad.restart(30);
  await launchpad.start('default');
  expect(launchpad.isServing('default')).toBe(true);
  await launchpad.whenRestarted();
});

test('stop kills the daemon', async () => {
  await launchpad.ensure('default');
  await launchpad.stop();
  expect(await readyz(launchpad.ports.management)).toBeUndefined();
});

test('ssl: TLS with the minted certificate, trusted through the testbed CA', async () => {
  await launchpad.start('ssl');
  await waitForSync(launchpad.syncEndpoint(), has('boolean-flag'), 5000);
});

test('socket: sync over a unix socket', async () => {
  await launchpad.start('socket');
  expect(launchpad.syncEndpoint().target).toBe(`unix:${launchpad.socketPath}`);
  await waitForSync(launchpad.syncEndpoint(), has('boolean-flag'), 5000);
});

test('metadata: serves rawflags/selector-flag-combined-metadata.json', async () => {
  await launchpad.start('metadata');
  await waitForSync(launchpad.syncEndpoint(), has('combined-metadata-flag'), 5000);
});

test('sync-payload: starts and serves the merged file', async () => {
  await launchpad.start('sync-payload');
  await waitForSync(launchpad.syncEndpoint(), has('boolean-flag'), 5000);
});
