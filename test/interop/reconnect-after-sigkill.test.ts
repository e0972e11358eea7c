// SwitchyardProviders against a real `switchyard start` child process that is killed with
// SIGKILL, its flag file changed, and started again on the same port: every provider goes STALE
// (never ERROR within its grace period), keeps serving the last flags (no evaluation returns a
// default), dials the dead port no more often than its connection backoff allows, and holds
// the new value after the restart. Each provider dials its own loopback address (127.0.0.x),
// which gives it its own connection and lets the stand-in listener count its attempts.
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProviderEvents } from '@openfeature/server-sdk';
import { SwitchyardProvider } from '@switchyard/openfeature-provider';
import {
  ConnectionCounter,
  maxConnectionAttempts,
} from '../../packages/provider/test/support/connection-counter.js';
import { type EventLog, recordEvents } from '../../packages/provider/test/support/events.js';
import { silentLogger } from '../../packages/provider/test/support/flags.js';
import { connectionBackoff } from '@switchyard/sources';
import { DaemonProcess } from '../launchpad/daemon-process.js';
import { freePorts } from '../launchpad/ports.js';

const FLAG = 'kill-switch';
const HOSTS = ['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4'];

const dir = mkdtempSync(join(tmpdir(), 'switchyard-reconnect-'));
const flagsPath = join(dir, 'flags.json');
const daemons: DaemonProcess[] = [];
const providers: SwitchyardProvider[] = [];

function writeFlags(value: 'on' | 'off'): void {
  const config = {
    flags: {
      [FLAG]: { state: 'ENABLED', variants: { on: 'on', off: 'off' }, defaultVariant: value },
    },
  };
  writeFileSync(`${flagsPath}.tmp`, JSON.stringify(config));
  renameSync(`${flagsPath}.tmp`, flagsPath);
}

async function startDaemon(ports: number[]): Promise<DaemonProcess> {
  const [sync, management, evaluation, ofrep] = ports.map(String);
  const daemon = new DaemonProcess(
    [
      'start',
      '--uri',
      `file:${flagsPath}`,
      '--sync-port',
      sync!,
      '--management-port',
      management!,
      '--port',
      evaluation!,
      '--ofrep-port',
      ofrep!,
    ],
    dir,
    join(dir, 'daemon.log'),
  );
  daemons.push(daemon);
  await daemon.waitReady(Number(management), 30_000);
  return daemon;
}

/** Evaluates every provider every 20 ms; keeps what each returned. */
function sample(all: readonly SwitchyardProvider[]) {
  const seen: string[] = [];
  const timer = setInterval(() => {
    for (const provider of all) {
      const result = provider.resolveStringEvaluation(FLAG, 'code-default', {});
      void result.then((r) => seen.push(r.errorCode ? `${r.value} ${r.errorCode}` : r.value));
    }
  }, 20);
  return { seen, stop: () => clearInterval(timer) };
}

afterAll(async () => {
  await Promise.all(providers.map((p) => p.onClose()));
  await Promise.all(daemons.map((d) => d.kill()));
  rmSync(dir, { recursive: true, force: true });
});

test('after a SIGKILL and a restart with a changed file, every provider stays STALE, serves its last flags and gets the new value', async () => {
  const ports = await freePorts(4);
  writeFlags('on');
  const first = await startDaemon(ports);
  const logs: EventLog[] = [];
  for (const host of HOSTS) {
    // Defaults, except a bound on initialize generous for a loaded machine and a grace period
    // longer than this test, so that any ERROR is a defect rather than a slow restart.
    const provider = new SwitchyardProvider(
      {
        resolverType: 'in-process',
        host,
        port: ports[0],
        deadlineMs: 15_000,
        retryGracePeriod: 120,
      },
      silentLogger(),
    );
    providers.push(provider);
    await provider.initialize();
    logs.push(recordEvents(provider.events));
  }
  const sampler = sample(providers);

  const lostAt = Date.now();
  await first.kill();
  await Promise.all(logs.map((log) => log.waitFor(ProviderEvents.Stale)));
  writeFlags('off');
  const outage = sampler.seen.length;
  const counter = await ConnectionCounter.listen(ports[0]!);
  try {
    await counter.until(() => HOSTS.every((host) => counter.count(host) >= 3));
    const bound = maxConnectionAttempts(
      Date.now() - lostAt,
      connectionBackoff(providers[0]!.options),
    );
    for (const host of HOSTS) expect(counter.count(host)).toBeLessThanOrEqual(bound);
  } finally {
    await counter.close();
  }
  expect(sampler.seen.length).toBeGreaterThan(outage); // evaluated during the outage

  await startDaemon(ports);
  await Promise.all(logs.map((log) => log.waitFor(ProviderEvents.ConfigurationChanged)));
  sampler.stop();
  for (const [i, provider] of providers.entries()) {
    expect((await provider.resolveStringEvaluation(FLAG, 'code-default', {})).value).toBe('off');
    expect(logs[i]!.types()).toEqual([
      ProviderEvents.Stale,
      ProviderEvents.Ready,
      ProviderEvents.ConfigurationChanged,
    ]);
    expect(logs[i]!.events[2]!.details.flagsChanged).toEqual([FLAG]);
  }
  expect(sampler.seen.filter((v) => v !== 'on' && v !== 'off')).toEqual([]);
}, 90_000);
