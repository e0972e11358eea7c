// A valid flag file whose sync message is larger than gRPC clients accept (5,000 flags × 1 KB:
// ~5.3 MB, over the 4 MiB default of every gRPC client) is not published: official flagd
// providers that are running keep serving the previous flags without going STALE or ERROR,
// official providers started afterwards get the previous flags, and the daemon says why (a
// TOO_LARGE problem with the size, in its events, /readyz and metrics). With --max-msg-size raised,
// it is published, and a SwitchyardProvider whose maxMsgSize matches receives it.
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FlagdProvider } from '@openfeature/flagd-provider';
import { OpenFeature, ProviderEvents } from '@openfeature/server-sdk';
import type { Client, Provider } from '@openfeature/server-sdk';
import { startDaemon } from '@switchyard/daemon';
import type { Daemon, StoreEvent } from '@switchyard/daemon';
import { SwitchyardProvider } from '@switchyard/openfeature-provider';

const dir = mkdtempSync(join(tmpdir(), 'switchyard-size-'));
const file = join(dir, 'flags.json');
const atomicWrite = (text: string) => {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
};

/** `marker` with default variant `variant`, plus `count` flags of ~1 KB each. */
function flagsText(variant: string, count = 0): string {
  const flags: Record<string, unknown> = {
    marker: {
      state: 'ENABLED',
      variants: { v1: 'v1', v2: 'v2', v3: 'v3' },
      defaultVariant: variant,
    },
  };
  for (let i = 0; i < count; i++) {
    flags[`bulk-${i}`] = {
      state: 'ENABLED',
      variants: { on: `on-${i}-${'x'.repeat(900)}`, off: 'off' },
      defaultVariant: 'off',
      metadata: { owner: 'team-size' },
    };
  }
  return JSON.stringify({ flags });
}

function readyz(port: number): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: '/readyz' }, (res) => {
      let text = '';
      res.on('data', (d) => {
        text += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    }).on('error', reject);
  });
}

const next = (daemon: Daemon, match: (e: StoreEvent) => boolean) =>
  new Promise<StoreEvent>((resolve) => {
    const stop = daemon.subscribe((e) => {
      if (!match(e)) return;
      stop();
      resolve(e);
    });
  });

/** A client of `provider` in its own domain, recording STALE and ERROR events. */
async function connect(domain: string, provider: Provider) {
  await OpenFeature.setProviderAndWait(domain, provider);
  const client: Client = OpenFeature.getClient(domain);
  const trouble: string[] = [];
  client.addHandler(ProviderEvents.Stale, () => trouble.push('STALE'));
  client.addHandler(ProviderEvents.Error, () => trouble.push('ERROR'));
  const changed = () =>
    new Promise<void>((resolve) =>
      client.addHandler(ProviderEvents.ConfigurationChanged, () => resolve()),
    );
  return { client, trouble, changed };
}

const official = (port: number) =>
  new FlagdProvider({
    resolverType: 'in-process',
    host: '127.0.0.1',
    port,
    retryBackoffMs: 100,
    retryBackoffMaxMs: 200,
    deadlineMs: 5000,
  });

let daemon: Daemon | undefined;

/** A daemon on the marker file, ready. */
async function startOnMarker(options: { maxMsgSize?: number } = {}): Promise<Daemon> {
  atomicWrite(flagsText('v1'));
  daemon = await startDaemon({
    sources: [`file:${file}`],
    host: '127.0.0.1',
    syncPort: 0,
    managementPort: 0,
    logLevel: 'silent',
    ...options,
  });
  await daemon.ready;
  return daemon;
}

afterEach(async () => {
  await OpenFeature.clearProviders();
  await daemon?.close();
  daemon = undefined;
});

test('a 5 MB file is not published: running and new official providers keep the previous flags; the daemon reports the size', async () => {
  const daemon = await startOnMarker();
  const port = daemon.ports.sync!;
  const running = [
    await connect('size-a', official(port)),
    await connect('size-b', official(port)),
  ];

  const refused = next(daemon, (e) => e.type === 'problem');
  atomicWrite(flagsText('v2', 5000));
  const problem = await refused;
  expect(problem).toMatchObject({ type: 'problem', serving: true, problem: { code: 'TOO_LARGE' } });
  const message = (problem as Extract<StoreEvent, { type: 'problem' }>).problem.message;
  expect(message).toMatch(
    /all flags \(no selector\) would be 5,\d{3},\d{3} bytes, over --max-msg-size 4,194,304/,
  );
  const health = await readyz(daemon.ports.management);
  expect(health.status).toBe(200);
  expect(health.body).toMatchObject({
    status: 'degraded',
    generation: 1,
    sources: [{ status: 'degraded', flags: 1, problems: [{ code: 'TOO_LARGE', message }] }],
  });
  expect(daemon.generation()!.number).toBe(1);

  for (const { client } of running)
    expect(await client.getStringValue('marker', 'none')).toBe('v1');
  const started = await connect('size-new', official(port));
  expect(await started.client.getStringValue('marker', 'none')).toBe('v1');
  expect(await started.client.getStringValue('bulk-0', 'none')).toBe('none');

  // The next edit that fits goes out to every provider, over the streams they had all along.
  const changes = [...running, started].map((p) => p.changed());
  const recovered = next(daemon, (e) => e.type === 'recovered');
  atomicWrite(flagsText('v3', 10));
  await Promise.all([...changes, recovered]);
  for (const p of [...running, started]) {
    expect(await p.client.getStringValue('marker', 'none')).toBe('v3');
    expect(p.trouble).toEqual([]);
  }
  expect((await readyz(daemon.ports.management)).body).toMatchObject({
    status: 'ok',
    generation: 2,
  });
  const { text } = await daemon.metrics.prometheus();
  expect(text).toMatch(/^switchyard_source_load_errors_total\{[^}]*code="TOO_LARGE"[^}]*\} 1\b/m);
}, 60_000);

test('with --max-msg-size raised, the 5 MB file is published and a SwitchyardProvider with the same maxMsgSize gets it', async () => {
  const maxMsgSize = 8 * 1024 * 1024;
  const daemon = await startOnMarker({ maxMsgSize });
  const ours = await connect(
    'size-ours',
    new SwitchyardProvider({
      resolverType: 'in-process',
      host: '127.0.0.1',
      port: daemon.ports.sync!,
      maxMsgSize,
    }),
  );
  const changed = ours.changed();
  atomicWrite(flagsText('v2', 5000));
  await changed;
  expect(daemon.generation()!.number).toBe(2);
  expect(await ours.client.getStringValue('marker', 'none')).toBe('v2');
  expect(await ours.client.getStringValue('bulk-4999', 'none')).toBe('off');
  expect(ours.trouble).toEqual([]);
}, 60_000);
