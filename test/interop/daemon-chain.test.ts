// A chain of real daemons, each its own `switchyard start` child process: a root serving a flag
// file, edge A following it over flagd.sync.v1 (`--uri grpc://root`) and edge B over HTTP
// (`--sources` http source polling the root's /flags). Clients of the edges: raw SyncFlags
// streams, a SwitchyardProvider and the official @openfeature/flagd-provider (in-process).
// An edit at the root reaches every client; with the root SIGKILLed the edges keep serving
// (readyz 200, degraded, naming the lost upstream) and a new client still gets the flags;
// the root restarted with another edit is resynced by both edges and every client.
//
// flagd itself is not run here (no binary in this environment); the flagd side of a mixed chain
// is the wire protocol, which the official provider exercises against an edge, and which
// test/conformance checks against the flagd testbed.
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Metadata, credentials } from '@grpc/grpc-js';
import { FlagdProvider } from '@openfeature/flagd-provider';
import { OpenFeature, ProviderEvents } from '@openfeature/server-sdk';
import type { Client } from '@openfeature/server-sdk';
import { SwitchyardProvider } from '@switchyard/openfeature-provider';
import { FlagSyncServiceClient } from '@switchyard/protocol';
import { silentLogger } from '../../packages/provider/test/support/flags.js';
import { DaemonProcess } from '../launchpad/daemon-process.js';
import { freePorts } from '../launchpad/ports.js';

jest.setTimeout(180_000);

const FLAG = 'kill-switch';
const dir = mkdtempSync(join(tmpdir(), 'switchyard-chain-'));
const flagsPath = join(dir, 'flags.json');
const processes: DaemonProcess[] = [];
const cleanups: (() => unknown)[] = [];

function writeFlags(variant: string): void {
  const variants = { on: 'on', off: 'off', 'on-again': 'on-again' };
  const doc = { flags: { [FLAG]: { state: 'ENABLED', variants, defaultVariant: variant } } };
  writeFileSync(`${flagsPath}.tmp`, JSON.stringify(doc));
  renameSync(`${flagsPath}.tmp`, flagsPath);
}

interface Ports {
  readonly sync: number;
  readonly management: number;
  readonly evaluation: number;
  readonly ofrep: number;
}

async function ports(): Promise<Ports> {
  const [sync, management, evaluation, ofrep] = await freePorts(4);
  return { sync: sync!, management: management!, evaluation: evaluation!, ofrep: ofrep! };
}

async function start(name: string, p: Ports, sourceArgs: string[]): Promise<DaemonProcess> {
  const args = ['start', ...sourceArgs, '-g', `${p.sync}`, '-m', `${p.management}`];
  args.push('-p', `${p.evaluation}`, '-r', `${p.ofrep}`, '-z', 'json', '--debug');
  const daemon = new DaemonProcess(args, dir, join(dir, `${name}.log`));
  processes.push(daemon);
  await daemon.waitReady(p.management, 60_000);
  return daemon;
}

interface Readyz {
  readonly status: string;
  readonly sources: { readonly status: string; readonly problems: { code: string }[] }[];
}

/** Polls /readyz until `match` holds (the daemon reports on request only). */
async function readyzUntil(p: Ports, match: (r: Readyz, code: number) => boolean): Promise<Readyz> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const response = await fetch(`http://127.0.0.1:${p.management}/readyz`);
    const body = (await response.json()) as Readyz;
    if (match(body, response.status)) return body;
    if (Date.now() > deadline) throw new Error(`readyz never matched: ${JSON.stringify(body)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A raw SyncFlags stream; `until(variant)` resolves once a message carried that variant. */
function rawStream(p: Ports) {
  const client = new FlagSyncServiceClient(`127.0.0.1:${p.sync}`, credentials.createInsecure());
  const call = client.syncFlags(
    { $typeName: 'flagd.sync.v1.SyncFlagsRequest', providerId: 'chain-test', selector: '' },
    new Metadata(),
  );
  const seen: string[] = [];
  const waiters = new Set<() => void>();
  call.on('data', (m: { flagConfiguration: string }) => {
    seen.push(JSON.parse(m.flagConfiguration).flags[FLAG]?.defaultVariant);
    for (const w of [...waiters]) w();
  });
  call.on('error', () => {});
  cleanups.push(() => {
    call.cancel();
    client.close();
  });
  return {
    seen,
    until: (variant: string) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (seen.at(-1) !== variant) return;
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        check();
      }),
  };
}

/** An OpenFeature client on its own domain; `until(value)` waits on change events. */
async function openFeatureClient(domain: string, provider: FlagdProvider | SwitchyardProvider) {
  await OpenFeature.setProviderAndWait(domain, provider);
  const client: Client = OpenFeature.getClient(domain);
  const value = () => client.getStringValue(FLAG, 'code-default');
  return {
    value,
    until: (expected: string) =>
      new Promise<void>((resolve) => {
        const check = async () => {
          if ((await value()) !== expected) return;
          client.removeHandler(ProviderEvents.ConfigurationChanged, check);
          resolve();
        };
        client.addHandler(ProviderEvents.ConfigurationChanged, check);
        void check();
      }),
  };
}

const official = (p: Ports) =>
  new FlagdProvider({
    resolverType: 'in-process',
    host: '127.0.0.1',
    port: p.sync,
    deadlineMs: 15_000,
  });

afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
  await OpenFeature.close();
  await Promise.all(processes.map((d) => d.kill()));
  rmSync(dir, { recursive: true, force: true });
});

test('root → edges → clients: edits flow through, edges serve while the root is down and resync when it returns', async () => {
  const [root, edgeA, edgeB] = [await ports(), await ports(), await ports()];
  writeFlags('on');
  const rootProcess = await start('root', root, ['--uri', `file:${flagsPath}`]);
  await start('edge-a', edgeA, ['--uri', `grpc://127.0.0.1:${root.sync}`]);
  const httpSource = {
    uri: `http://127.0.0.1:${root.management}/flags`,
    provider: 'http',
    interval: 1,
  };
  await start('edge-b', edgeB, ['--sources', JSON.stringify([httpSource])]);

  const streams = [rawStream(edgeA), rawStream(edgeB)];
  const switchyard = await openFeatureClient(
    'chain-switchyard',
    new SwitchyardProvider(
      { resolverType: 'in-process', host: '127.0.0.1', port: edgeA.sync, deadlineMs: 15_000 },
      silentLogger(),
    ),
  );
  const flagd = await openFeatureClient('chain-flagd', official(edgeB));
  const clients = [...streams, switchyard, flagd];
  await Promise.all(clients.map((c) => c.until('on')));

  // An edit at the root reaches the clients of both edges.
  writeFlags('off');
  await Promise.all(clients.map((c) => c.until('off')));

  // The root dies: the edges keep serving, say what is wrong, and serve new clients.
  await rootProcess.kill();
  for (const edge of [edgeA, edgeB]) {
    const report = await readyzUntil(
      edge,
      (r, code) => code === 200 && r.sources[0]!.problems.some((p) => p.code === 'UNAVAILABLE'),
    );
    expect(report.status).toBe('degraded');
  }
  expect(await switchyard.value()).toBe('off');
  expect(await flagd.value()).toBe('off');
  const lateComer = await openFeatureClient('chain-late', official(edgeA));
  expect(await lateComer.value()).toBe('off');

  // The root returns (same ports) with another edit: both edges resync, every client follows.
  writeFlags('on-again');
  await start('root-again', root, ['--uri', `file:${flagsPath}`]);
  await Promise.all([...clients, lateComer].map((c) => c.until('on-again')));
  for (const edge of [edgeA, edgeB]) {
    await readyzUntil(edge, (r, code) => code === 200 && r.status === 'ok');
  }
});
