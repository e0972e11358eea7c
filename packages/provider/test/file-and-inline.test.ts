// File and inline sources. The file source watches the parent directory (the official provider
// polls with fs.watchFile every ~5 s: its service/in-process/file/file-fetch.ts), so edits, atomic
// renames and delete/recreate are seen at once; the testbed's launchpad uses delete + recreate as
// the file-mode "outage" (STALE → ERROR → READY in events.feature @file).
import { mkdirSync, mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, OpenFeature, ProviderEvents } from '@openfeature/server-sdk';
import { SwitchyardProvider, type SwitchyardProviderOptions } from '../src/index.js';
import { type EventLog, recordEvents } from './support/events.js';
import { INVALID_CONFIG, flagConfig, silentLogger } from './support/flags.js';

let dir: string;
let file: string;
let provider: SwitchyardProvider | undefined;
let log: EventLog | undefined;
let logger = silentLogger();

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'switchyard-file-'));
  file = join(dir, 'flags.json');
});

afterEach(async () => {
  log?.stop();
  await provider?.onClose();
  await OpenFeature.clearProviders();
  provider = undefined;
  rmSync(dir, { recursive: true, force: true });
});

function make(options: SwitchyardProviderOptions = {}) {
  logger = silentLogger();
  provider = new SwitchyardProvider(
    {
      resolverType: 'file',
      offlineFlagSourcePath: file,
      deadlineMs: 1000,
      retryGracePeriod: 0.2,
      ...options,
    },
    logger,
  );
  log = recordEvents(provider.events);
  return provider;
}

const color = (p: SwitchyardProvider) => p.resolveStringEvaluation('color', 'none', {});

test('reads the file at initialize (resolverType file)', async () => {
  writeFileSync(file, flagConfig('blue'));
  const p = make();
  await p.initialize();
  expect(await color(p)).toMatchObject({ value: 'blue', reason: 'STATIC' });
});

test("'in-process' with offlineFlagSourcePath is the file resolver (flagd provider spec)", async () => {
  writeFileSync(file, flagConfig('blue'));
  const p = make({ resolverType: 'in-process' });
  expect(p.options.resolverType).toBe('file');
  await p.initialize();
  expect((await color(p)).value).toBe('blue');
});

test('an in-place edit emits CONFIGURATION_CHANGED', async () => {
  writeFileSync(file, flagConfig('blue'));
  const p = make();
  await p.initialize();
  writeFileSync(file, flagConfig('red'));
  const changed = await log!.waitFor(ProviderEvents.ConfigurationChanged);
  expect(changed.details.flagsChanged).toEqual(['color']);
  expect((await color(p)).value).toBe('red');
});

test('an atomic replace (write temp + rename) is seen', async () => {
  writeFileSync(file, flagConfig('blue'));
  const p = make();
  await p.initialize();
  writeFileSync(join(dir, '.flags.json.tmp'), flagConfig('red'));
  renameSync(join(dir, '.flags.json.tmp'), file);
  await log!.waitFor(ProviderEvents.ConfigurationChanged);
  expect((await color(p)).value).toBe('red');
  // ...and the watch survives it: a second replace is seen too.
  writeFileSync(join(dir, '.flags.json.tmp'), flagConfig('blue'));
  renameSync(join(dir, '.flags.json.tmp'), file);
  await log!.waitFor(ProviderEvents.ConfigurationChanged, 2);
  expect((await color(p)).value).toBe('blue');
});

test('delete → STALE → ERROR after the grace period; recreate → READY + CHANGED; values survive', async () => {
  writeFileSync(file, flagConfig('blue'));
  const p = make();
  await p.initialize();
  unlinkSync(file);
  await log!.waitFor(ProviderEvents.Stale);
  await log!.waitFor(ProviderEvents.Error);
  expect((await color(p)).value).toBe('blue');
  writeFileSync(file, flagConfig('red'));
  await log!.waitFor(ProviderEvents.Ready);
  await log!.waitFor(ProviderEvents.ConfigurationChanged);
  expect(log!.types()).toEqual([
    ProviderEvents.Stale,
    ProviderEvents.Error,
    ProviderEvents.Ready,
    ProviderEvents.ConfigurationChanged,
  ]);
});

test('an invalid edit keeps the last configuration; fixing it applies the fix', async () => {
  writeFileSync(file, flagConfig('blue'));
  const p = make();
  await p.initialize();
  writeFileSync(file, INVALID_CONFIG);
  await logger.waitFor(/CONFIGURATION_INVALID/);
  expect((await color(p)).value).toBe('blue');
  expect(p.state).toBe('READY');
  writeFileSync(file, flagConfig('red'));
  await log!.waitFor(ProviderEvents.ConfigurationChanged);
  expect(log!.types()).toEqual([ProviderEvents.ConfigurationChanged]);
  expect((await color(p)).value).toBe('red');
});

test('an invalid file at startup rejects initialize with the diagnostic', async () => {
  writeFileSync(file, INVALID_CONFIG);
  const p = make();
  await expect(p.initialize()).rejects.toThrow(/CONFIGURATION_INVALID/);
  expect((await color(p)).errorCode).toBe(ErrorCode.PROVIDER_NOT_READY);
});

test('a missing file rejects initialize (within deadlineMs); creating it later makes the provider READY', async () => {
  const p = make({ deadlineMs: 200 });
  await expect(p.initialize()).rejects.toThrow(/ENOENT/);
  writeFileSync(file, flagConfig('blue'));
  await log!.waitFor(ProviderEvents.Ready);
  expect((await color(p)).value).toBe('blue');
});

test('the stat poll (offlinePollIntervalMs) finds a file whose directory appears later', async () => {
  // fs.watch cannot watch a directory that does not exist yet; the poll covers that case
  // (e.g. a volume mounted after the process started).
  file = join(dir, 'later', 'flags.json');
  const p = make({ offlinePollIntervalMs: 20, deadlineMs: 100 });
  await expect(p.initialize()).rejects.toThrow(/ENOENT/);
  mkdirSync(join(dir, 'later'));
  writeFileSync(file, flagConfig('red'));
  await log!.waitFor(ProviderEvents.Ready);
  expect((await color(p)).value).toBe('red');
});

describe('inline source (flagConfiguration)', () => {
  test.each([
    ['an object', JSON.parse(flagConfig('blue'))],
    ['a JSON string', flagConfig('blue')],
  ])('serves %s through the OpenFeature SDK', async (_name, flagConfiguration) => {
    provider = new SwitchyardProvider({ flagConfiguration }, silentLogger());
    await OpenFeature.setProviderAndWait('inline', provider);
    const client = OpenFeature.getClient('inline');
    expect(await client.getStringDetails('color', 'none')).toMatchObject({
      value: 'blue',
      variant: 'blue',
      reason: 'STATIC',
    });
    expect(await client.getStringDetails('missing', 'none')).toMatchObject({
      value: 'none',
      errorCode: ErrorCode.FLAG_NOT_FOUND,
    });
  });

  test('an invalid inline configuration is fatal (nothing could ever replace it)', async () => {
    provider = new SwitchyardProvider({ flagConfiguration: INVALID_CONFIG }, silentLogger());
    await expect(provider.initialize()).rejects.toMatchObject({
      code: ErrorCode.PROVIDER_FATAL,
      message: expect.stringContaining('CONFIGURATION_INVALID'),
    });
  });
});
